/**
 * Undo steps of a multi-stream intent. Each is registered before its action runs (an action
 * that failed half-way may still have taken effect), and must be a no-op when there is nothing
 * to undo. On failure they run newest first.
 */
export class Compensations {
  private readonly steps: (() => Promise<unknown>)[] = [];

  register(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      for (const step of [...this.steps].reverse()) await step();
      throw error;
    }
  }
}
