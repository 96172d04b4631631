import { isAsn, parseIpv4 } from '../addressing';
import { validateInterfaces } from './interface-list-validation';
import {
  defaultCapacity,
  deviceRoles,
  type DeviceCapacity,
  type DeviceRole,
  type FabricDevice,
} from './topology';
import { isRecord, type Problems } from './topology-problems';

const deviceFields = new Set(['name', 'role', 'loopback', 'asn', 'interfaces', 'capacity']);
const capacityFields: readonly (keyof DeviceCapacity)[] = ['maxVrfs', 'maxL2Vnis', 'maxL3Vnis'];

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

/** One entry of `devices`: the device, or undefined with its problems added to `problems`. */
export function validateDevice(
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
