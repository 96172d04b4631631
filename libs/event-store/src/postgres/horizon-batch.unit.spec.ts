import type { RecordedEvent } from '../envelope';
import { nextAfter } from './horizon-batch';

const at = (position: bigint): RecordedEvent => ({ position }) as RecordedEvent;

describe('nextAfter', () => {
  it('continues after the last event of a full batch: more may follow below the horizon', () => {
    expect(nextAfter(0n, { events: [at(5n), at(9n)], horizon: 1000n }, 2)).toBe(9n);
  });

  it('jumps to just under the horizon after a short batch: nothing else can appear below it', () => {
    expect(nextAfter(0n, { events: [at(5n)], horizon: 1000n }, 2)).toBe(999n);
    expect(nextAfter(7n, { events: [], horizon: 1000n }, 2)).toBe(999n);
  });

  it('never moves backwards', () => {
    expect(nextAfter(2000n, { events: [], horizon: 1000n }, 2)).toBe(2000n);
  });
});
