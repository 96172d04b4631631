import {
  PortKind,
  type ExternalNetwork,
  PortStatus,
  ResourceState,
  type Port,
  type PortBinding,
  type Quota,
  type Subnet,
  type Tenant,
  type Vpc,
} from '@loom/api-contract';
import type { PortKindFlag } from '../resources/port-kind';

/**
 * Request messages with every field set, as proto3 clients send them: the fields a command sets,
 * the rest at their defaults (output-only fields are ignored by the engine).
 */

export const noQuota: Quota = { vpcs: 0, subnets: 0, ports: 0, floatingIps: 0 };

export function tenantBody(
  fields: Partial<Pick<Tenant, 'name' | 'displayName' | 'quota' | 'etag'>>,
): Tenant {
  return {
    name: '',
    displayName: '',
    quota: noQuota,
    usage: null,
    etag: '',
    createTime: null,
    updateTime: null,
    ...fields,
  };
}

export function vpcBody(
  fields: Partial<Pick<Vpc, 'name' | 'displayName' | 'cidrBlocks' | 'etag'>>,
): Vpc {
  return {
    name: '',
    displayName: '',
    cidrBlocks: [],
    l3Vni: 0,
    vrfName: '',
    routeDistinguisher: '',
    importRouteTargets: [],
    exportRouteTargets: [],
    state: ResourceState.RESOURCE_STATE_UNSPECIFIED,
    etag: '',
    createTime: null,
    updateTime: null,
    ...fields,
  };
}

export function subnetBody(
  fields: Partial<Pick<Subnet, 'name' | 'displayName' | 'cidr' | 'gatewayIp' | 'etag'>>,
): Subnet {
  return {
    name: '',
    displayName: '',
    cidr: '',
    gatewayIp: '',
    l2Vni: 0,
    state: ResourceState.RESOURCE_STATE_UNSPECIFIED,
    etag: '',
    createTime: null,
    updateTime: null,
    ...fields,
  };
}

/** `--kind` on the command line, the enum's names on the wire. */
export const portKinds: Readonly<Record<PortKindFlag, PortKind>> = {
  'virtual-machine': PortKind.VIRTUAL_MACHINE,
  'bare-metal': PortKind.BARE_METAL,
};

export function portBody(
  fields: Partial<
    Pick<Port, 'name' | 'displayName' | 'kind' | 'fixedIp' | 'macAddress' | 'etag'>
  > & {
    readonly binding?: PortBinding;
  },
): Port {
  return {
    name: '',
    displayName: '',
    kind: PortKind.VIRTUAL_MACHINE,
    fixedIp: '',
    macAddress: '',
    binding: null,
    status: PortStatus.PORT_STATUS_UNSPECIFIED,
    statusReason: '',
    etag: '',
    createTime: null,
    updateTime: null,
    ...fields,
  };
}

export function externalNetworkBody(
  fields: Partial<
    Pick<
      ExternalNetwork,
      'name' | 'displayName' | 'pools' | 'gatewayNodes' | 'upstreamPeers' | 'etag'
    >
  >,
): ExternalNetwork {
  return {
    name: '',
    displayName: '',
    pools: [],
    gatewayNodes: [],
    upstreamPeers: [],
    addressesInUse: 0,
    etag: '',
    createTime: null,
    updateTime: null,
    ...fields,
  };
}
