import type { FieldViolation } from '@loom/errors';
import { parseIpv4 } from '../shared/ipv4';
import { normaliseMac } from '../shared/mac-address';
import type { PortKind } from './port.events';

export interface PortBindingInput {
  readonly host: string;
  readonly leafSwitch: string;
  readonly interface: string;
  /** 0 lets Loom choose. */
  readonly vlan: number;
}

const hostPattern = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
export const leafNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const interfacePattern = /^[A-Za-z0-9][A-Za-z0-9/._:-]{0,31}$/;

export function checkPortKind(kind: string): { violations: FieldViolation[]; kind: PortKind } {
  if (kind === '' || kind === 'PORT_KIND_UNSPECIFIED' || kind === 'VIRTUAL_MACHINE') {
    return { violations: [], kind: 'VIRTUAL_MACHINE' };
  }
  if (kind === 'BARE_METAL') return { violations: [], kind: 'BARE_METAL' };
  return {
    violations: [{ field: 'port.kind', description: 'must be VIRTUAL_MACHINE or BARE_METAL' }],
    kind: 'VIRTUAL_MACHINE',
  };
}

export function checkFixedIp(ip: string): FieldViolation[] {
  return ip === '' || parseIpv4(ip) !== undefined
    ? []
    : [{ field: 'port.fixed_ip', description: 'must be an IPv4 address such as 10.0.1.5' }];
}

export function checkMac(mac: string): { violations: FieldViolation[]; mac: string | undefined } {
  if (mac === '') return { violations: [], mac: undefined };
  const normalised = normaliseMac(mac);
  return typeof normalised === 'string'
    ? { violations: [], mac: normalised }
    : {
        violations: [{ field: 'port.mac_address', description: normalised.error }],
        mac: undefined,
      };
}

/** A binding names host, leaf and interface together, or is left out entirely. */
export function checkBinding(binding: PortBindingInput | undefined): FieldViolation[] {
  if (binding === undefined) return [];
  const given =
    binding.host !== '' ||
    binding.leafSwitch !== '' ||
    binding.interface !== '' ||
    binding.vlan !== 0;
  if (!given) return [];
  const violations: FieldViolation[] = [];
  if (!hostPattern.test(binding.host)) {
    violations.push({ field: 'port.binding.host', description: 'must be a host name' });
  }
  if (!leafNamePattern.test(binding.leafSwitch)) {
    violations.push({
      field: 'port.binding.leaf_switch',
      description: 'must name a leaf switch of the fabric',
    });
  }
  if (!interfacePattern.test(binding.interface)) {
    violations.push({
      field: 'port.binding.interface',
      description: 'must be a switch interface name such as swp7',
    });
  }
  if (
    !Number.isInteger(binding.vlan) ||
    (binding.vlan !== 0 && (binding.vlan < 2 || binding.vlan > 4094))
  ) {
    violations.push({
      field: 'port.binding.vlan',
      description: 'must be 0 (let Loom choose) or from 2 to 4094',
    });
  }
  return violations;
}
