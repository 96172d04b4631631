import {
  ExternalGatewayStatus,
  FloatingIpStatus,
  type ExternalGateway,
  type ExternalNetwork,
  type FloatingIp,
} from '@loom/api-contract';
import {
  externalGatewayName,
  externalNetworkName,
  floatingIpName,
  type ExternalGatewayState,
  type ExternalNetworkState,
  type FloatingIpState,
} from '@loom/network';

type Active<State> = Extract<State, { status: 'Active' }>;

const etag = (version: number): string => `"${version}"`;

/** A tenant sees an external network's name and pools, not its gateway nodes, peers or usage. */
export function toExternalNetwork(
  state: Active<ExternalNetworkState>,
  internals: boolean,
): ExternalNetwork {
  return {
    name: externalNetworkName(state.externalNetworkId),
    displayName: state.displayName,
    pools: [...state.pools],
    gatewayNodes: internals ? [...state.gatewayNodes] : [],
    upstreamPeers: internals ? state.upstreamPeers.map((peer) => ({ ...peer })) : [],
    addressesInUse: internals ? state.allocations.size : 0,
    etag: etag(state.version),
    createTime: null,
    updateTime: null,
  };
}

const gatewayStatuses = {
  PENDING: ExternalGatewayStatus.EXTERNAL_GATEWAY_PENDING,
  ACTIVE: ExternalGatewayStatus.EXTERNAL_GATEWAY_ACTIVE,
  ERROR: ExternalGatewayStatus.EXTERNAL_GATEWAY_ERROR,
} as const;

export function toExternalGateway(state: Active<ExternalGatewayState>): ExternalGateway {
  return {
    name: externalGatewayName(state.tenantId, state.vpcId),
    externalNetwork: externalNetworkName(state.externalNetworkId),
    transferBlock: state.transferBlock,
    vrfAddress: state.vrfAddress,
    gatewayAddress: state.gatewayAddress,
    snatAddress: state.snatAddress,
    status: gatewayStatuses[state.gatewayStatus],
    statusReason: state.statusReason,
    floatingIps: [...state.floatingIps.keys()].sort(),
    etag: etag(state.version),
  };
}

const floatingIpStatuses = {
  ACTIVE: FloatingIpStatus.FLOATING_IP_ACTIVE,
  PENDING: FloatingIpStatus.FLOATING_IP_PENDING,
  ERROR: FloatingIpStatus.FLOATING_IP_ERROR,
} as const;

export function toFloatingIp(state: Active<FloatingIpState>): FloatingIp {
  return {
    name: floatingIpName(state.tenantId, state.floatingIpId),
    displayName: state.displayName,
    externalNetwork: externalNetworkName(state.externalNetworkId),
    address: state.address,
    port: state.association?.port ?? '',
    fixedIp: state.association?.fixedIp ?? '',
    status: floatingIpStatuses[state.floatingIpStatus],
    statusReason: state.statusReason,
    etag: etag(state.version),
  };
}
