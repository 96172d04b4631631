import type { Decider } from '@loom/intents';
import {
  AbortedError,
  AlreadyExistsError,
  FailedPreconditionError,
  NotFoundError,
  ResourceExhaustedError,
} from '@loom/errors';
import {
  broadcastOf,
  containsAddress,
  firstHost,
  formatIpv4,
  lastHost,
  parseCidr,
  parseIpv4,
  type Cidr,
} from '../shared/ipv4';
import { generatedMac } from '../shared/mac-address';
import { portName, subnetName } from '@loom/names';
import type { SubnetEvent } from './subnet.events';

interface Allocation {
  readonly ip: string;
  readonly macAddress: string;
  /** The operation that created the port. */
  readonly owner: string;
}

export type SubnetState =
  | { readonly status: 'Absent' }
  | { readonly status: 'Deleted' }
  | {
      readonly status: 'Active';
      readonly tenantId: string;
      readonly vpcId: string;
      readonly subnetId: string;
      readonly displayName: string;
      readonly cidr: string;
      readonly gatewayIp: string;
      readonly l2Vni: number;
      readonly createdBy: string;
      /** port id -> its address and MAC. */
      readonly allocations: ReadonlyMap<string, Allocation>;
      readonly usedIps: ReadonlySet<string>;
      readonly usedMacs: ReadonlySet<string>;
      readonly version: number;
    };

type ActiveSubnet = Extract<SubnetState, { status: 'Active' }>;

interface SubnetTarget {
  readonly tenantId: string;
  readonly vpcId: string;
  readonly subnetId: string;
}

export type SubnetCommand =
  | (SubnetTarget & {
      readonly type: 'CreateSubnet';
      readonly displayName: string;
      readonly cidr: string;
      readonly gatewayIp: string;
      readonly l2Vni: number;
      readonly createdBy: string;
    })
  | (SubnetTarget & {
      readonly type: 'UpdateSubnet';
      readonly displayName: string;
      readonly etag?: string;
    })
  | (SubnetTarget & { readonly type: 'DeleteSubnet'; readonly etag?: string })
  | (SubnetTarget & {
      readonly type: 'AllocateAddress';
      readonly portId: string;
      /** Requested fixed IP, or undefined for the next free one. */
      readonly ip: string | undefined;
      /** Requested MAC, or undefined to generate one. */
      readonly macAddress: string | undefined;
      readonly owner: string;
    })
  | (SubnetTarget & {
      readonly type: 'ReleaseAddress';
      readonly portId: string;
      readonly owner: string;
    });

export const subnetEtag = (subnet: ActiveSubnet): string => `"${subnet.version}"`;

export const allocationOf = (state: SubnetState, portId: string): Allocation | undefined =>
  state.status === 'Active' ? state.allocations.get(portId) : undefined;

export const subnetDecider: Decider<SubnetCommand, SubnetEvent, SubnetState> = {
  initialState: () => ({ status: 'Absent' }),

  decide(command, state) {
    const name = subnetName(command.tenantId, command.vpcId, command.subnetId);
    if (command.type === 'CreateSubnet') {
      if (state.status === 'Active') {
        if (state.createdBy === command.createdBy) return [];
        throw new AlreadyExistsError(name);
      }
      const { type: _type, ...data } = command;
      return [{ type: 'SubnetCreated', data }];
    }
    if (state.status !== 'Active') throw new NotFoundError(name);
    switch (command.type) {
      case 'UpdateSubnet':
        checkEtag(state, command.etag, name);
        if (command.displayName === state.displayName) return [];
        return [{ type: 'SubnetUpdated', data: { displayName: command.displayName } }];
      case 'DeleteSubnet': {
        checkEtag(state, command.etag, name);
        if (state.allocations.size > 0) {
          throw new FailedPreconditionError(
            name,
            'HAS_PORTS',
            `the subnet still has ${state.allocations.size} port(s)`,
          );
        }
        const { tenantId, vpcId, subnetId, cidr, l2Vni, createdBy } = state;
        return [
          { type: 'SubnetDeleted', data: { tenantId, vpcId, subnetId, cidr, l2Vni, createdBy } },
        ];
      }
      case 'AllocateAddress':
        return allocateAddress(state, command);
      case 'ReleaseAddress': {
        const held = state.allocations.get(command.portId);
        if (held?.owner !== command.owner) return [];
        return [{ type: 'SubnetAddressReleased', data: { portId: command.portId, ...held } }];
      }
      default: {
        const exhaustive: never = command;
        return exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'SubnetCreated':
        return {
          status: 'Active',
          ...event.data,
          allocations: new Map(),
          usedIps: new Set(),
          usedMacs: new Set(),
          version: 1,
        };
      case 'SubnetDeleted':
        return { status: 'Deleted' };
      case 'SubnetUpdated':
        return state.status === 'Active'
          ? { ...state, ...event.data, version: state.version + 1 }
          : state;
      case 'SubnetAddressAllocated':
      case 'SubnetAddressReleased': {
        if (state.status !== 'Active') return state;
        const allocations = new Map(state.allocations);
        const usedIps = new Set(state.usedIps);
        const usedMacs = new Set(state.usedMacs);
        const { portId, ip, macAddress, owner } = event.data;
        if (event.type === 'SubnetAddressAllocated') {
          allocations.set(portId, { ip, macAddress, owner });
          usedIps.add(ip);
          usedMacs.add(macAddress);
        } else {
          allocations.delete(portId);
          usedIps.delete(ip);
          usedMacs.delete(macAddress);
        }
        return { ...state, allocations, usedIps, usedMacs };
      }
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};

function allocateAddress(
  subnet: ActiveSubnet,
  command: Extract<SubnetCommand, { type: 'AllocateAddress' }>,
): SubnetEvent[] {
  const { portId, owner, ip: requestedIp, macAddress: requestedMac } = command;
  const held = subnet.allocations.get(portId);
  if (held?.owner === owner) return [];
  if (held !== undefined)
    throw new AlreadyExistsError(portName(subnet.tenantId, subnet.vpcId, subnet.subnetId, portId));
  const cidr = asCidr(subnet.cidr);
  const ip = requestedIp ?? nextFreeIp(subnet, cidr);
  checkUsableIp(subnet, cidr, ip);
  const macAddress = requestedMac ?? generatedMac(subnet.l2Vni, parseIpv4(ip) ?? 0);
  if (subnet.usedMacs.has(macAddress)) {
    throw new FailedPreconditionError(
      'port.mac_address',
      'MAC_IN_USE',
      `${macAddress} is already used in the subnet`,
    );
  }
  return [{ type: 'SubnetAddressAllocated', data: { portId, ip, macAddress, owner } }];
}

function checkUsableIp(subnet: ActiveSubnet, cidr: Cidr, ip: string): void {
  const address = parseIpv4(ip);
  if (address === undefined || !containsAddress(cidr, address)) {
    throw new FailedPreconditionError(
      'port.fixed_ip',
      'OUTSIDE_SUBNET',
      `${ip} is not inside the subnet ${subnet.cidr}`,
    );
  }
  if (address === cidr.network || address === broadcastOf(cidr)) {
    throw new FailedPreconditionError(
      'port.fixed_ip',
      'RESERVED_ADDRESS',
      `${ip} is the subnet's network or broadcast address`,
    );
  }
  if (ip === subnet.gatewayIp) {
    throw new FailedPreconditionError(
      'port.fixed_ip',
      'RESERVED_ADDRESS',
      `${ip} is the subnet's gateway`,
    );
  }
  if (subnet.usedIps.has(ip)) {
    throw new FailedPreconditionError(
      'port.fixed_ip',
      'IP_IN_USE',
      `${ip} is already given to another port`,
    );
  }
}

function nextFreeIp(subnet: ActiveSubnet, cidr: Cidr): string {
  for (let address = firstHost(cidr); address <= lastHost(cidr); address += 1) {
    const ip = formatIpv4(address);
    if (ip !== subnet.gatewayIp && !subnet.usedIps.has(ip)) return ip;
  }
  throw new ResourceExhaustedError(
    subnetName(subnet.tenantId, subnet.vpcId, subnet.subnetId),
    'no free address is left in the subnet',
  );
}

function asCidr(text: string): Cidr {
  const cidr = parseCidr(text);
  if ('error' in cidr) throw new Error(`invalid CIDR in subnet state: ${text}`);
  return cidr;
}

function checkEtag(subnet: ActiveSubnet, etag: string | undefined, name: string): void {
  if (etag !== undefined && etag !== '' && etag !== subnetEtag(subnet)) {
    throw new AbortedError(
      'ETAG_MISMATCH',
      name,
      'the subnet changed since it was read: read it again',
    );
  }
}
