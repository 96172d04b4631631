import { isAsn, isInterfaceName, parseIpv4 } from '../addressing';
import { InvalidTopologyError, type TopologyProblem, type TopologyProblemCode } from '../errors';
import {
  carriesTenants,
  defaultCapacity,
  deviceRoles,
  type DeviceCapacity,
  type DeviceRole,
  type FabricDevice,
  type FabricTopology,
} from './topology';

export type TopologyValidation =
  | { readonly ok: true; readonly topology: FabricTopology }
  | { readonly ok: false; readonly problems: readonly TopologyProblem[] };

const deviceFields = new Set(['name', 'role', 'loopback', 'asn', 'interfaces', 'capacity']);
const capacityFields: readonly (keyof DeviceCapacity)[] = ['maxVrfs', 'maxL2Vnis', 'maxL3Vnis'];
/** A range entry such as `swp[1-48]` stands for swp1..swp48, so files need not list 48 names. */
const rangePattern = /^([^[\]]*)\[(\d+)-(\d+)\]([^[\]]*)$/;
const maxRangeSize = 4096;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects problems as it goes so that one pass reports all of them. */
class Problems {
  readonly list: TopologyProblem[] = [];
  add(path: string, code: TopologyProblemCode, message: string): void {
    this.list.push({ path, code, message });
  }
}

function validateInterfaces(
  value: unknown,
  role: DeviceRole | undefined,
  path: string,
  problems: Problems,
): string[] {
  if (value === undefined) {
    if (role !== undefined && carriesTenants(role)) {
      problems.add(path, 'no-interfaces', `a ${role} needs interfaces to bind ports to`);
    }
    return [];
  }
  if (!Array.isArray(value)) {
    problems.add(path, 'bad-type', 'must be an array of interface names');
    return [];
  }
  const names: string[] = [];
  value.forEach((entry: unknown, index) => {
    const at = `${path}[${index}]`;
    if (typeof entry !== 'string') {
      problems.add(at, 'bad-type', 'must be a string');
      return;
    }
    const range = rangePattern.exec(entry);
    if (range) {
      const [, prefix = '', firstText = '', lastText = '', suffix = ''] = range;
      const first = Number(firstText);
      const last = Number(lastText);
      if (first > last || last - first >= maxRangeSize) {
        problems.add(
          at,
          'bad-interface',
          `range ${entry} must run upwards over at most ${maxRangeSize} names`,
        );
        return;
      }
      for (let number = first; number <= last; number += 1)
        names.push(`${prefix}${number}${suffix}`);
      return;
    }
    names.push(entry);
  });
  const seen = new Set<string>();
  for (const name of names) {
    if (!isInterfaceName(name)) {
      problems.add(path, 'bad-interface', `${JSON.stringify(name)} is not an interface name`);
    } else if (seen.has(name)) {
      problems.add(path, 'duplicate-interface', `interface ${name} is listed twice`);
    }
    seen.add(name);
  }
  if (names.length === 0 && role !== undefined && carriesTenants(role)) {
    problems.add(path, 'no-interfaces', `a ${role} needs interfaces to bind ports to`);
  }
  return names;
}

function validateCapacity(value: unknown, path: string, problems: Problems): DeviceCapacity {
  if (value === undefined) return defaultCapacity;
  if (!isRecord(value)) {
    problems.add(path, 'bad-type', 'must be an object with maxVrfs, maxL2Vnis and maxL3Vnis');
    return defaultCapacity;
  }
  for (const key of Object.keys(value)) {
    if (!(capacityFields as readonly string[]).includes(key)) {
      problems.add(
        `${path}.${key}`,
        'unknown-field',
        `unknown capacity field (expected ${capacityFields.join(', ')})`,
      );
    }
  }
  const capacity = { ...defaultCapacity };
  for (const field of capacityFields) {
    const limit = value[field];
    if (limit === undefined) continue;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) {
      problems.add(`${path}.${field}`, 'bad-capacity', 'must be a whole number, 0 or more');
    } else {
      capacity[field] = limit;
    }
  }
  return capacity;
}

function validateDevice(
  value: unknown,
  path: string,
  problems: Problems,
): FabricDevice | undefined {
  if (!isRecord(value)) {
    problems.add(path, 'bad-type', 'a device must be an object');
    return undefined;
  }
  const before = problems.list.length;
  for (const key of Object.keys(value)) {
    if (!deviceFields.has(key)) {
      problems.add(
        `${path}.${key}`,
        'unknown-field',
        `unknown device field (expected ${[...deviceFields].join(', ')})`,
      );
    }
  }
  const { name, role, loopback, asn } = value;
  if (name === undefined)
    problems.add(`${path}.name`, 'missing-field', 'every device needs a name');
  else if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(name)) {
    problems.add(
      `${path}.name`,
      'bad-name',
      'must be letters, digits, `_`, `.` or `-`, at most 63',
    );
  }
  let knownRole: DeviceRole | undefined;
  if (role === undefined)
    problems.add(`${path}.role`, 'missing-field', 'every device needs a role');
  else if (typeof role !== 'string' || !(deviceRoles as readonly string[]).includes(role)) {
    problems.add(
      `${path}.role`,
      'unknown-role',
      `${JSON.stringify(role)} is not one of ${deviceRoles.join(', ')}`,
    );
  } else {
    knownRole = role as DeviceRole;
  }
  if (loopback === undefined)
    problems.add(`${path}.loopback`, 'missing-field', 'every device needs a loopback address');
  else if (typeof loopback !== 'string' || parseIpv4(loopback) === undefined) {
    problems.add(
      `${path}.loopback`,
      'bad-address',
      `${JSON.stringify(loopback)} is not an IPv4 address`,
    );
  }
  if (asn === undefined)
    problems.add(`${path}.asn`, 'missing-field', 'every device needs a BGP ASN');
  else if (!isAsn(asn))
    problems.add(`${path}.asn`, 'bad-asn', 'must be a whole number from 1 to 4294967295');
  const interfaces = validateInterfaces(
    value['interfaces'],
    knownRole,
    `${path}.interfaces`,
    problems,
  );
  const capacity = validateCapacity(value['capacity'], `${path}.capacity`, problems);
  if (problems.list.length > before) return undefined;
  return {
    name: name as string,
    role: knownRole as DeviceRole,
    loopback: loopback as string,
    asn: asn as number,
    interfaces,
    capacity,
  };
}

/** Checks a parsed topology document (JSON or YAML alike) and reports every problem in it. */
export function validateTopology(input: unknown): TopologyValidation {
  const problems = new Problems();
  if (!isRecord(input)) {
    problems.add('', 'bad-type', 'a topology must be an object with a `devices` array');
    return { ok: false, problems: problems.list };
  }
  for (const key of Object.keys(input)) {
    if (key !== 'devices')
      problems.add(key, 'unknown-field', 'unknown top-level field (expected devices)');
  }
  const devicesValue = input['devices'];
  if (!Array.isArray(devicesValue)) {
    problems.add(
      'devices',
      devicesValue === undefined ? 'missing-field' : 'bad-type',
      'must be an array of devices',
    );
    return { ok: false, problems: problems.list };
  }
  const devices: FabricDevice[] = [];
  devicesValue.forEach((value: unknown, index) => {
    const device = validateDevice(value, `devices[${index}]`, problems);
    if (device) devices.push(device);
  });
  // Cross-device checks look at the raw entries so that an otherwise broken device still counts.
  const names = new Map<string, number>();
  const loopbacks = new Map<string, number>();
  devicesValue.forEach((value: unknown, index) => {
    if (!isRecord(value)) return;
    const { name, loopback } = value;
    if (typeof name === 'string') {
      const first = names.get(name);
      if (first !== undefined) {
        problems.add(
          `devices[${index}].name`,
          'duplicate-name',
          `${name} is already the name of devices[${first}]`,
        );
      } else names.set(name, index);
    }
    if (typeof loopback === 'string' && parseIpv4(loopback) !== undefined) {
      const first = loopbacks.get(loopback);
      if (first !== undefined) {
        problems.add(
          `devices[${index}].loopback`,
          'duplicate-address',
          `${loopback} is already the loopback of devices[${first}]`,
        );
      } else loopbacks.set(loopback, index);
    }
  });
  const hasVtep = devicesValue.some(
    (value: unknown) =>
      isRecord(value) && (value['role'] === 'leaf' || value['role'] === 'border-leaf'),
  );
  if (!hasVtep) problems.add('devices', 'no-leaves', 'a fabric needs at least one leaf (VTEP)');
  if (problems.list.length > 0) return { ok: false, problems: problems.list };
  return { ok: true, topology: { devices } };
}

/** validateTopology that throws InvalidTopologyError, for callers that cannot go on without one. */
export function parseTopology(input: unknown, source?: string): FabricTopology {
  const result = validateTopology(input);
  if (!result.ok) throw new InvalidTopologyError(result.problems, source);
  return result.topology;
}
