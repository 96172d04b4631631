import type { FabricDrift } from '@loom/api-contract';
import { formatTable } from './cli/table';

/** `loomctl fabric drift` as a person reads it: one line per item, then a summary. */
export function formatFabricDrift(drift: FabricDrift): string[] {
  const lines: string[] = [];
  if (drift.items.length > 0) {
    lines.push(
      ...formatTable([
        ['DEVICE', 'KIND', 'ITEM', 'DETAIL'],
        ...drift.items.map((item) => [
          item.device,
          item.kind.toLowerCase(),
          item.item,
          item.fields
            .map((field) => `${field.field}: intended ${field.intended}, actual ${field.actual}`)
            .join('; '),
        ]),
      ]),
    );
    const devices = new Set(drift.items.map((item) => item.device)).size;
    lines.push(
      `${drift.items.length} difference${drift.items.length === 1 ? '' : 's'} on ` +
        `${devices} device${devices === 1 ? '' : 's'}`,
    );
  } else {
    lines.push('no drift: every device that could be read matches the intent');
  }
  for (const device of drift.unreachableDevices) {
    lines.push(`${device}: unreachable, its drift is unknown`);
  }
  return lines;
}

/**
 * The exit status scripts and monitoring act on: 0 in sync, 3 drift, 4 no drift seen but some
 * device could not be read (not known to be in sync).
 */
export function driftExitCode(drift: FabricDrift): number {
  if (drift.items.length > 0) return 3;
  return drift.unreachableDevices.length > 0 ? 4 : 0;
}
