import type { FileLock, HeldLock } from './lock-file';

/** How long a device's lock is kept after a transaction, for the next one of this process. */
const idleMs = 10;
/** Held at most this long at a stretch, far below the lock's stale age. */
const maxHoldMs = 1_000;

/**
 * A device's lock kept across this process's transactions on it: a saga's operations on a leaf
 * follow each other closely, and taking the lock file is a create, a link and two removals. It
 * is given back after `idleMs` without a transaction, after `maxHoldMs` in all, and as soon as a
 * transaction ends while another holder waits (the lock's waiting marker).
 *
 * `schedule` runs a call in the device's queue: giving the lock back must not overlap a
 * transaction of this process that counts on holding it.
 */
export class DeviceLease {
  private held: HeldLock | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly lock: FileLock,
    private readonly schedule: (work: () => Promise<void>) => Promise<void>,
  ) {}

  /** Runs `work` holding the device's lock. Only from the device's queue. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.held ??= await this.lock.acquire();
    const held = this.held;
    try {
      return await work();
    } finally {
      if (Date.now() - held.heldSince > maxHoldMs || (await this.lock.othersWaiting(held))) {
        await this.giveBack();
      } else {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          void this.schedule(() => this.giveBack()).catch(() => undefined);
        }, idleMs);
        this.timer.unref();
      }
    }
  }

  private async giveBack(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (held) await this.lock.release(held);
  }
}
