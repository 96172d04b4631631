import { retryDelayMs, sleep } from './retry-backoff';

const backoff = { initialMs: 100, maxMs: 1_000 };

describe('retryDelayMs', () => {
  it('doubles with each consecutive failure up to the ceiling', () => {
    const ceilings = [1, 2, 3, 4, 5, 40].map((attempt) => retryDelayMs(attempt, backoff, () => 1));
    expect(ceilings).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('randomises the upper half so runners in several processes spread out', () => {
    expect(retryDelayMs(3, backoff, () => 0)).toBe(200);
    expect(retryDelayMs(3, backoff, () => 0.5)).toBe(300);
  });

  it('treats attempts below 1 as the first', () => {
    expect(retryDelayMs(0, backoff, () => 1)).toBe(100);
  });
});

describe('sleep', () => {
  it('ends early when aborted', async () => {
    const abort = new AbortController();
    const startedAt = Date.now();
    const sleeping = sleep(10_000, abort.signal);
    abort.abort();
    await sleeping;
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });
});
