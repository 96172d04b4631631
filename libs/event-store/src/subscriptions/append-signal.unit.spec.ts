import { AppendSignal } from './append-signal';

describe('AppendSignal', () => {
  const never = new AbortController().signal;
  const settledWithin = async (promise: Promise<void>, ms: number): Promise<boolean> =>
    Promise.race([
      promise.then(() => true),
      new Promise<boolean>((resolve) => {
        setTimeout(() => {
          resolve(false);
        }, ms);
      }),
    ]);

  it('wakes a waiter at the next append, long before its timeout', async () => {
    const signal = new AppendSignal();
    const waiting = signal.wait(60_000, never);
    signal.notify();
    expect(await settledWithin(waiting, 50)).toBe(true);
  });

  it('returns at once when appends came since the count the waiter took, without waiting for another', async () => {
    const signal = new AppendSignal();
    const seen = signal.count;
    signal.notify();
    signal.notify();
    expect(await settledWithin(signal.wait(60_000, never, seen), 50)).toBe(true);
  });

  it('sleeps when nothing was appended since the count', async () => {
    const signal = new AppendSignal();
    signal.notify();
    const seen = signal.count;
    const abort = new AbortController();
    expect(await settledWithin(signal.wait(60_000, abort.signal, seen), 50)).toBe(false);
    abort.abort();
  });

  it('ends a wait when its abort signal fires', async () => {
    const signal = new AppendSignal();
    const abort = new AbortController();
    const waiting = signal.wait(60_000, abort.signal);
    abort.abort();
    expect(await settledWithin(waiting, 50)).toBe(true);
  });
});
