import {
  FailedPreconditionError,
  LoomError,
  ResourceExhaustedError,
  UnavailableError,
  type ErrorKind,
} from '@loom/errors';
import { interruptionCommand, outcomeCommand, runAttempt } from './step-attempt';

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
    const thrown = new Error('device said no');
    await expect(runAttempt(() => Promise.reject(thrown), 1000, never)).resolves.toEqual({
      kind: 'failed',
      cause: 'error',
      reason: 'device said no',
      errorKind: 'internal',
      // What was thrown, for the step's parkWhen to judge.
      error: thrown,
    });
    await expect(runAttempt(() => Promise.resolve(10n), 1000, never)).resolves.toMatchObject({
      kind: 'failed',
      cause: 'error',
    });
  });

  class DeviceAtCapacity extends LoomError {
    readonly kind = 'resource-exhausted';
  }
  it.each([
    [new ResourceExhaustedError('leaf1', 'leaf1 holds its maximum of VRFs'), 'resource-exhausted'],
    [new DeviceAtCapacity('leaf1: createVrf failed (capacity)'), 'resource-exhausted'],
    [new UnavailableError('leaf1 is unreachable'), 'unavailable'],
    [new FailedPreconditionError('leaf1', 'IN_USE', 'the VRF is in use'), 'failed-precondition'],
    [new TypeError('x is undefined'), 'internal'],
  ] as const)('records the error kind of what the step threw (%p: %s)', async (thrown, kind) => {
    const outcome = await runAttempt(() => Promise.reject(thrown), 1000, never);
    expect(outcome).toMatchObject({ kind: 'failed', cause: 'error', errorKind: kind });
  });

  it('carries the error kind into the command that records the failure', () => {
    const failed = {
      kind: 'failed',
      cause: 'error',
      reason: 'leaf1 is full',
      errorKind: 'resource-exhausted',
    } as const;
    const at = '2030-01-01T00:00:00.000Z';
    expect(outcomeCommand('action', 'create-vrf', 2, failed, at)).toEqual({
      type: 'RecordStepFailure',
      step: 'create-vrf',
      attempt: 2,
      cause: 'error',
      reason: 'leaf1 is full',
      errorKind: 'resource-exhausted',
      at,
    });
    expect(outcomeCommand('compensation', 'create-vrf', 1, failed, at)).toMatchObject({
      type: 'RecordCompensationFailure',
      errorKind: 'resource-exhausted',
    });
    const interrupted = { type: 'RecordInterruption', step: 'create-vrf', attempt: 1 } as const;
    const expectedKind: ErrorKind = 'unavailable';
    const action = interruptionCommand({ ...interrupted, of: 'action' }, at, false);
    expect(action).toMatchObject({
      type: 'RecordStepFailure',
      cause: 'interrupted',
      errorKind: expectedKind,
    });
    expect(action).not.toHaveProperty('parks');
    // A step that parks only on some errors is undone, not parked, by interruptions: none threw.
    expect(interruptionCommand({ ...interrupted, of: 'action' }, at, true)).toMatchObject({
      type: 'RecordStepFailure',
      cause: 'interrupted',
      parks: false,
    });
    expect(interruptionCommand({ ...interrupted, of: 'compensation' }, at, true)).toMatchObject({
      type: 'RecordCompensationFailure',
      cause: 'interrupted',
      errorKind: expectedKind,
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
      errorKind: 'unavailable',
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
