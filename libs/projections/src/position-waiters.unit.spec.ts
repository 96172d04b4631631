import { PositionWaiters } from './position-waiters';

const timeout = (): Error => new Error('timed out');

describe('PositionWaiters', () => {
  it('resolves a wait once the position reaches its target, not before', async () => {
    const waiters = new PositionWaiters();
    let resolved = false;
    const waiting = waiters.wait(10n, 5_000, timeout).then(() => (resolved = true));
    waiters.advance(9n);
    await Promise.resolve();
    expect(resolved).toBe(false);
    waiters.advance(12n);
    await waiting;
    expect(resolved).toBe(true);
  });

  it('resolves at once when the target is already reached', async () => {
    const waiters = new PositionWaiters();
    waiters.advance(10n);
    await expect(waiters.wait(10n, 5_000, timeout)).resolves.toBeUndefined();
  });

  it('rejects with the given error after the timeout', async () => {
    const waiters = new PositionWaiters();
    await expect(waiters.wait(10n, 20, timeout)).rejects.toThrow('timed out');
  });

  it('never moves back', () => {
    const waiters = new PositionWaiters();
    waiters.advance(10n);
    waiters.advance(5n);
    waiters.advance(undefined);
    expect(waiters.position).toBe(10n);
  });

  it('rejects pending waits on demand (a stopping runner)', async () => {
    const waiters = new PositionWaiters();
    const waiting = waiters.wait(10n, 5_000, timeout);
    waiters.rejectAll(() => new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
  });
});
