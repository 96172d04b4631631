interface Waiter {
  readonly target: bigint;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The committed position of one projection in this process, and the callers waiting for it to
 * reach theirs. Woken on every committed batch, so a wait needs no polling.
 */
export class PositionWaiters {
  private reached: bigint | undefined;
  private readonly waiters = new Set<Waiter>();

  get position(): bigint | undefined {
    return this.reached;
  }

  /** Records a committed position (never moves back) and wakes the waiters it satisfies. */
  advance(position: bigint | undefined): void {
    if (position === undefined || (this.reached !== undefined && position <= this.reached)) return;
    this.reached = position;
    for (const waiter of [...this.waiters]) {
      if (waiter.target <= position) this.settle(waiter).resolve();
    }
  }

  /** Resolves once the position is >= target; rejects with `timeoutError()` after `timeoutMs`. */
  wait(target: bigint, timeoutMs: number, timeoutError: () => Error): Promise<void> {
    if (this.reached !== undefined && this.reached >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        target,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.settle(waiter).reject(timeoutError());
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  rejectAll(error: () => Error): void {
    for (const waiter of [...this.waiters]) this.settle(waiter).reject(error());
  }

  private settle(waiter: Waiter): Waiter {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
    return waiter;
  }
}
