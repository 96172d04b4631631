import { runAttempt } from './step-attempt';

describe('step attempts', () => {
  const never = new AbortController().signal;

  it('records what the step returned as JSON', async () => {
    await expect(
      runAttempt(() => Promise.resolve({ vni: 7, at: new Date(0) }), 1000, never),
    ).resolves.toEqual({
      kind: 'succeeded',
      result: { vni: 7, at: '1970-01-01T00:00:00.000Z' },
    });
    await expect(runAttempt(() => Promise.resolve(undefined), 1000, never)).resolves.toEqual({
      kind: 'succeeded',
      result: null,
    });
  });

  it('turns a thrown error, or a result that is not JSON, into a failure', async () => {
    await expect(
      runAttempt(() => Promise.reject(new Error('device said no')), 1000, never),
    ).resolves.toEqual({
      kind: 'failed',
      cause: 'error',
      reason: 'device said no',
    });
    await expect(runAttempt(() => Promise.resolve(10n), 1000, never)).resolves.toMatchObject({
      kind: 'failed',
      cause: 'error',
    });
  });

  it('gives up on a slow attempt at its timeout and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const outcome = await runAttempt(
      (given) => {
        signal = given;
        return new Promise(() => undefined);
      },
      30,
      never,
    );
    expect(outcome).toEqual({
      kind: 'failed',
      cause: 'timeout',
      reason: 'no outcome within 30 ms',
    });
    expect(signal?.aborted).toBe(true);
  });

  it('stops waiting when the worker loses the saga', async () => {
    const lost = new AbortController();
    const outcome = runAttempt(() => new Promise(() => undefined), 10_000, lost.signal);
    lost.abort();
    await expect(outcome).resolves.toEqual({ kind: 'abandoned' });
  });
});
