import { parseIpv4 } from '../addressing';
import { InvalidTopologyError, type TopologyProblem } from '../errors';
import { validateDevice } from './device-validation';
import type { FabricDevice, FabricTopology } from './topology';
import { isRecord, Problems } from './topology-problems';

export type TopologyValidation =
  | { readonly ok: true; readonly topology: FabricTopology }
  | { readonly ok: false; readonly problems: readonly TopologyProblem[] };

/**
 * A field no two devices may share: each later holder is a problem that names the first. Raw
 * entries, so that an otherwise broken device still counts.
 */
function checkUnique(
  devicesValue: readonly unknown[],
  field: 'name' | 'loopback',
  code: 'duplicate-name' | 'duplicate-address',
  problems: Problems,
  counts: (value: string) => boolean = () => true,
): void {
  const holders = new Map<string, number>();
  devicesValue.forEach((device: unknown, index) => {
    const value = isRecord(device) ? device[field] : undefined;
    if (typeof value !== 'string' || !counts(value)) return;
    const first = holders.get(value);
    if (first === undefined) holders.set(value, index);
    else {
      const message = `${value} is already the ${field} of devices[${first}]`;
      problems.add(`devices[${index}].${field}`, code, message);
    }
  });
}

/** Unique names and loopbacks, and at least one VTEP. */
function checkAcrossDevices(devicesValue: readonly unknown[], problems: Problems): void {
  checkUnique(devicesValue, 'name', 'duplicate-name', problems);
  checkUnique(
    devicesValue,
    'loopback',
    'duplicate-address',
    problems,
    (loopback) => parseIpv4(loopback) !== undefined,
  );
  const hasVtep = devicesValue.some(
    (value: unknown) =>
      isRecord(value) && (value['role'] === 'leaf' || value['role'] === 'border-leaf'),
  );
  if (!hasVtep) problems.add('devices', 'no-leaves', 'a fabric needs at least one leaf (VTEP)');
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
  checkAcrossDevices(devicesValue, problems);
  if (problems.list.length > 0) return { ok: false, problems: problems.list };
  return { ok: true, topology: { devices } };
}

/** validateTopology that throws InvalidTopologyError, for callers that cannot go on without one. */
export function parseTopology(input: unknown, source?: string): FabricTopology {
  const result = validateTopology(input);
  if (!result.ok) throw new InvalidTopologyError(result.problems, source);
  return result.topology;
}
