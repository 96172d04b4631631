import type { ResourceChange } from '@loom/api-contract';

/** What a change's resource is now, in one word: its state, status or whether it is done. */
export function changeState(change: ResourceChange): string {
  if (change.vpc) return change.vpc.state;
  if (change.subnet) return change.subnet.state;
  if (change.port) return change.port.status;
  if (change.serviceIp) return change.serviceIp.status;
  if (change.operation) {
    if (!change.operation.done) return 'RUNNING';
    return change.operation.error ? 'FAILED' : 'DONE';
  }
  return '';
}

/** One line per change as it arrives (no table to align: the next row is not known yet). */
export function formatChange(change: ResourceChange): string {
  return [change.type.padEnd(7), change.resourceName, changeState(change)]
    .filter((cell) => cell !== '')
    .join('  ');
}
