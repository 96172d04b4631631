/**
 * Wakes live subscribers of this process as soon as an append commits, instead of at the next
 * poll. Appends are counted, so a subscriber that notes the count before a read and waits with it
 * afterwards is not put to sleep by an append made during its read: it reads once more at once,
 * however many appends came (coalesced wake-ups).
 */
export class AppendSignal {
  private waiters = new Set<() => void>();
  private appends = 0;

  /** Appends notified so far: pass it to wait() to count those made since as a wake-up. */
  get count(): number {
    return this.appends;
  }

  notify(): void {
    this.appends += 1;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /**
   * Resolves at the next notify or after `timeoutMs`, whichever comes first, or when `abort`
   * fires; at once if appends were notified since `seen` (a count taken earlier).
   */
  wait(timeoutMs: number, abort: AbortSignal, seen?: number): Promise<void> {
    if (seen !== undefined && seen !== this.appends) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        abort.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      abort.addEventListener('abort', done, { once: true });
    });
  }
}
