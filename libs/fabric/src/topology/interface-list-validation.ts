import { isInterfaceName } from '../addressing';
import { carriesTenants, type DeviceRole } from './topology';
import type { Problems } from './topology-problems';

/** A range entry such as `swp[1-48]` stands for swp1..swp48, so files need not list 48 names. */
const rangePattern = /^([^[\]]*)\[(\d+)-(\d+)\]([^[\]]*)$/;
const maxRangeSize = 4096;

/** A device's interface list, ranges expanded; a device that carries tenants needs at least one. */
export function validateInterfaces(
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
