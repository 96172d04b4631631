/**
 * What an operation has changed so far, as the steps that take it back. An operation that fails
 * part way runs them, newest first, so that the device is left as it was before it started.
 */
export class UndoLog {
  private readonly steps: (() => Promise<unknown>)[] = [];

  /** Records how to take back a change that has just been made. */
  push(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  /** Runs every step, newest first, all of them even when some fail; the failures are returned. */
  async rollBack(): Promise<unknown[]> {
    const failures: unknown[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    }
    return failures;
  }
}
