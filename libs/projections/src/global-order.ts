import type { RecordedEvent } from '@loom/event-store';
import { EventOrderViolationError } from './projection-errors';

/**
 * Checks that a batch continues the strictly increasing order after `previous`. The checkpoint
 * logic relies on it: an event arriving below the checkpoint would be taken as already applied.
 */
export function assertGlobalOrder(
  projection: string,
  events: readonly RecordedEvent[],
  previous: bigint | undefined,
): void {
  let last = previous;
  for (const event of events) {
    if (last !== undefined && event.position <= last) {
      throw new EventOrderViolationError(projection, event.position, last);
    }
    last = event.position;
  }
}
