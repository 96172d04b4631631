import type { RecordedEvent } from '@loom/event-store';
import { assertGlobalOrder } from './global-order';
import { EventOrderViolationError } from './projection-errors';

const at = (position: bigint): RecordedEvent => ({ position }) as RecordedEvent;

describe('assertGlobalOrder', () => {
  it('accepts a batch that continues after the previous position', () => {
    expect(() => {
      assertGlobalOrder('p', [at(5n), at(9n)], 4n);
    }).not.toThrow();
    expect(() => {
      assertGlobalOrder('p', [at(5n)], undefined);
    }).not.toThrow();
  });

  it('refuses a repeated or earlier position, within the batch or against the previous one', () => {
    expect(() => {
      assertGlobalOrder('p', [at(5n), at(5n)], undefined);
    }).toThrow(EventOrderViolationError);
    expect(() => {
      assertGlobalOrder('p', [at(100000000n), at(99999999n)], undefined);
    }).toThrow('delivered position 99999999 after 100000000');
    expect(() => {
      assertGlobalOrder('p', [at(7n)], 7n);
    }).toThrow(EventOrderViolationError);
  });
});
