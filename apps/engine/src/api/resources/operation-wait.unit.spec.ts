import type { Operation } from '@loom/api-contract';
import { waitUntilDone, type OperationWaitSource } from './operation-wait';

const operation = (done: boolean) => ({ name: 'tenants/a/operations/op-1', done }) as Operation;

/** A read model at a position that the test moves on, and an operation done when it says. */
function readModel() {
  let position = 10n;
  let done = false;
  let reads = 0;
  const waiting = new Set<{ beyond: bigint; wake: () => void }>();
  const source: OperationWaitSource = {
    read: () => {
      reads += 1;
      return Promise.resolve(operation(done));
    },
    position: () => position,
    waitBeyond: (seen, timeoutMs) =>
      new Promise((resolve) => {
        const waiter = {
          beyond: seen ?? -1n,
          wake: () => {
            resolve();
          },
        };
        waiting.add(waiter);
        setTimeout(() => {
          waiting.delete(waiter);
          resolve();
        }, timeoutMs);
      }),
  };
  return {
    source,
    reads: () => reads,
    /** The operation's end (or any other change) reaches the read model. */
    moveOn(endsOperation: boolean) {
      position += 1n;
      done = done || endsOperation;
      for (const waiter of [...waiting]) {
        if (position > waiter.beyond) {
          waiting.delete(waiter);
          waiter.wake();
        }
      }
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('waitUntilDone', () => {
  it('reads once while nothing changes, and again as soon as the read model moves on', async () => {
    const model = readModel();
    const answer = waitUntilDone(model.source, Date.now() + 5_000, {
      recheckMs: 1_000,
      minimumGapMs: 0,
    });
    await sleep(150);
    // A 50 ms poll would have read 3 or 4 times by now.
    expect(model.reads()).toBe(1);
    model.moveOn(false);
    await sleep(20);
    expect(model.reads()).toBe(2);
    const started = Date.now();
    model.moveOn(true);
    expect(await answer).toMatchObject({ done: true });
    expect(model.reads()).toBe(3);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('reads again every recheck interval when the read model does not move, and answers at the deadline', async () => {
    const model = readModel();
    const answer = await waitUntilDone(model.source, Date.now() + 130, {
      recheckMs: 50,
      minimumGapMs: 0,
    });
    expect(answer.done).toBe(false);
    expect(model.reads()).toBeGreaterThanOrEqual(3);
    expect(model.reads()).toBeLessThanOrEqual(4);
  });

  it('reads at most once per gap however often the read model moves on', async () => {
    const model = readModel();
    const answer = waitUntilDone(model.source, Date.now() + 300, {
      recheckMs: 1_000,
      minimumGapMs: 40,
    });
    const busy = setInterval(() => {
      model.moveOn(false);
    }, 2);
    const result = await answer;
    clearInterval(busy);
    expect(result.done).toBe(false);
    // 300 ms at one read per 40 ms: 8 at most, where every change would have made ~150.
    expect(model.reads()).toBeLessThanOrEqual(9);
  });
});
