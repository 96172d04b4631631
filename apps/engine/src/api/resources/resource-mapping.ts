import {
  PortKind,
  PortStatus,
  ResourceState,
  toTimestamp,
  type Operation,
  type Port,
  type Subnet,
  type Tenant,
  type Vpc,
} from '@loom/api-contract';
import { grpcStatusCodeOf } from '@loom/errors';
import type {
  OperationRow,
  OperationSnapshot,
  PortRow,
  SubnetRow,
  TenantRow,
  VpcRow,
} from '@loom/network';

/** Etags are the resource's version: the same form the deciders check on Update and Delete. */
const etagOf = (version: number): string => `"${version}"`;

export function toTenant(row: TenantRow): Tenant {
  return {
    name: row.name,
    displayName: row.displayName,
    quota: { ...row.quota },
    usage: { ...row.usage },
    etag: etagOf(row.version),
    createTime: toTimestamp(row.createTime),
    updateTime: toTimestamp(row.updateTime),
  };
}

export function toVpc(row: VpcRow): Vpc {
  return {
    name: row.name,
    displayName: row.displayName,
    cidrBlocks: row.cidrBlocks,
    l3Vni: row.routing.l3Vni,
    vrfName: row.routing.vrfName,
    routeDistinguisher: row.routing.routeDistinguisher,
    importRouteTargets: [...row.routing.importRouteTargets],
    exportRouteTargets: [...row.routing.exportRouteTargets],
    state: ResourceState[row.state],
    etag: etagOf(row.version),
    createTime: toTimestamp(row.createTime),
    updateTime: toTimestamp(row.updateTime),
  };
}

export function toSubnet(row: SubnetRow): Subnet {
  return {
    name: row.name,
    displayName: row.displayName,
    cidr: row.cidr,
    gatewayIp: row.gatewayIp,
    l2Vni: row.l2Vni,
    state: ResourceState[row.state],
    etag: etagOf(row.version),
    createTime: toTimestamp(row.createTime),
    updateTime: toTimestamp(row.updateTime),
  };
}

export function toPort(row: PortRow): Port {
  return {
    name: row.name,
    displayName: row.displayName,
    kind: PortKind[row.kind],
    fixedIp: row.fixedIp,
    macAddress: row.macAddress,
    binding: row.binding && { ...row.binding },
    status: PortStatus[row.status],
    statusReason: row.statusReason,
    etag: etagOf(row.version),
    createTime: toTimestamp(row.createTime),
    updateTime: toTimestamp(row.updateTime),
  };
}

export function toOperation(row: OperationRow): Operation {
  return {
    name: row.name,
    target: row.target,
    verb: row.verb,
    done: row.done,
    error:
      row.errorKind === null
        ? null
        : {
            code: grpcStatusCodeOf(row.errorKind),
            message: row.errorMessage ?? '',
            details: [],
          },
    createTime: toTimestamp(row.createTime),
    endTime: row.endTime ? toTimestamp(row.endTime) : null,
  };
}

/** An operation as the request that finished it recorded it: what its row will hold. */
export function toRecordedOperation(recorded: OperationSnapshot): Operation {
  return {
    name: recorded.name,
    target: recorded.target,
    verb: recorded.verb,
    done: recorded.done,
    error: null,
    createTime: toTimestamp(new Date(recorded.createTime)),
    endTime: recorded.endTime === undefined ? null : toTimestamp(new Date(recorded.endTime)),
  };
}
