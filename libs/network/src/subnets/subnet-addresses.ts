import { AlreadyExistsError, FailedPreconditionError, ResourceExhaustedError } from '@loom/errors';
import { portName, subnetName } from '@loom/names';
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
import type { SubnetAddressAllocated, SubnetAddressReleased, SubnetEvent } from './subnet.events';

/** A port's fixed IP and MAC, held in the subnet's stream so neither is ever given twice. */
export interface Allocation {
  readonly ip: string;
  readonly macAddress: string;
  /** The operation that created the port. */
  readonly owner: string;
}

/** What a subnet knows of its addresses. */
export interface SubnetAddresses {
  readonly tenantId: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly cidr: string;
  readonly gatewayIp: string;
  readonly l2Vni: number;
  /** port id -> its address and MAC. */
  readonly allocations: ReadonlyMap<string, Allocation>;
  readonly usedIps: ReadonlySet<string>;
  readonly usedMacs: ReadonlySet<string>;
}

export interface AddressRequest {
  readonly portId: string;
  /** Requested fixed IP, or undefined for the next free one. */
  readonly ip: string | undefined;
  /** Requested MAC, or undefined to generate one. */
  readonly macAddress: string | undefined;
  readonly owner: string;
}

export const noAddresses = (): Pick<SubnetAddresses, 'allocations' | 'usedIps' | 'usedMacs'> => ({
  allocations: new Map(),
  usedIps: new Set(),
  usedMacs: new Set(),
});

/**
 * The requested address, or the lowest free host address, and a MAC derived from the VNI and the
 * address unless one was requested. A retry by the port's operation decides nothing.
 */
export function allocateAddress(subnet: SubnetAddresses, request: AddressRequest): SubnetEvent[] {
  const { portId, owner, ip: requestedIp, macAddress: requestedMac } = request;
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

/** The port's address back, for the operation that holds it; nothing for any other. */
export function releaseAddress(
  subnet: SubnetAddresses,
  portId: string,
  owner: string,
): SubnetEvent[] {
  const held = subnet.allocations.get(portId);
  if (held?.owner !== owner) return [];
  return [{ type: 'SubnetAddressReleased', data: { portId, ...held } }];
}

/** The subnet's addresses after an allocation or a release. */
export function evolveAddresses<S extends SubnetAddresses>(
  subnet: S,
  event: SubnetAddressAllocated | SubnetAddressReleased,
): S {
  const allocations = new Map(subnet.allocations);
  const usedIps = new Set(subnet.usedIps);
  const usedMacs = new Set(subnet.usedMacs);
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
  return { ...subnet, allocations, usedIps, usedMacs };
}

function checkUsableIp(subnet: SubnetAddresses, cidr: Cidr, ip: string): void {
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

function nextFreeIp(subnet: SubnetAddresses, cidr: Cidr): string {
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
