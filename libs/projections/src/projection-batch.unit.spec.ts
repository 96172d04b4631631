import type { RecordedEvent } from '@loom/event-store';
import { eventsAfter } from './projection-batch';

const at = (position: bigint): RecordedEvent => ({ position }) as RecordedEvent;

describe('eventsAfter', () => {
  const batch = [at(5n), at(9n), at(12n)];

  it('keeps every event when nothing was applied yet', () => {
    expect(eventsAfter(batch, undefined)).toEqual(batch);
  });

  it('drops the events at or below the stored checkpoint (applied by another runner)', () => {
    expect(eventsAfter(batch, 9n)).toEqual([at(12n)]);
    expect(eventsAfter(batch, 12n)).toEqual([]);
  });
});
