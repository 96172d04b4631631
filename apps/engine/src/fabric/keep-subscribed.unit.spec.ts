import type { RunningSubscription } from '@loom/event-store';
import { keepSubscribed } from './keep-subscribed';

/** A subscription the test ends by hand: fail(error), end(), or stop() from keepSubscribed. */
class FakeSubscription implements RunningSubscription {
  readonly done: Promise<void>;
  stopped = false;
  private settle!: { resolve: () => void; reject: (error: unknown) => void };

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  fail(error: unknown): void {
    this.settle.reject(error);
  }
  end(): void {
    this.settle.resolve();
  }
  stop(): Promise<void> {
    this.stopped = true;
    this.settle.resolve();
    return Promise.resolve();
  }
}

describe('keepSubscribed', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('starts a failed subscription again after a pause that doubles, up to the maximum', async () => {
    const started: FakeSubscription[] = [];
    const failures: [unknown, number, number][] = [];
    const kept = keepSubscribed(
      () => {
        const subscription = new FakeSubscription();
        started.push(subscription);
        return subscription;
      },
      {
        onFailure: (error, attempt, retryInMs) => failures.push([error, attempt, retryInMs]),
        firstRetryMs: 100,
        maxRetryMs: 300,
      },
    );
    const lost = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    for (const [index, pauseMs] of [100, 200, 300, 300].entries()) {
      started[index]?.fail(lost);
      await jest.advanceTimersByTimeAsync(pauseMs - 1);
      expect(started).toHaveLength(index + 1);
      await jest.advanceTimersByTimeAsync(1);
      expect(started).toHaveLength(index + 2);
    }
    expect(failures.map(([, attempt, retryInMs]) => [attempt, retryInMs])).toEqual([
      [1, 100],
      [2, 200],
      [3, 300],
      [4, 300],
    ]);
    expect(failures[0]?.[0]).toBe(lost);
    await kept.stop();
  });

  it('starts one that ended by itself again too, and nothing once stopped', async () => {
    const started: FakeSubscription[] = [];
    const failures: unknown[] = [];
    const kept = keepSubscribed(
      () => {
        const subscription = new FakeSubscription();
        started.push(subscription);
        return subscription;
      },
      { onFailure: (error) => failures.push(error), firstRetryMs: 50 },
    );
    started[0]?.end();
    await jest.advanceTimersByTimeAsync(50);
    expect(started).toHaveLength(2);
    expect(String(failures[0])).toContain('the subscription ended');

    await kept.stop();
    expect(started[1]?.stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(started).toHaveLength(2);
    expect(failures).toHaveLength(1);
  });
});
