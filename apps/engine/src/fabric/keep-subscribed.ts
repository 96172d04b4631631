import type { RunningSubscription } from '@loom/event-store';

export interface KeepSubscribedOptions {
  /** Told of each failure, before the pause after which the subscription starts again. */
  readonly onFailure: (error: unknown, attempt: number, retryInMs: number) => void;
  readonly firstRetryMs?: number;
  readonly maxRetryMs?: number;
}

/**
 * Keeps a checkpointed subscription (the fabric work dispatcher) running for the life of the
 * engine: one that fails, say because the database went away, starts again from its checkpoint
 * after a pause that doubles up to maxRetryMs, as the projections do; until stop().
 */
export function keepSubscribed(
  start: () => RunningSubscription,
  options: KeepSubscribedOptions,
): { stop(): Promise<void> } {
  const firstRetryMs = options.firstRetryMs ?? 250;
  const maxRetryMs = options.maxRetryMs ?? 5_000;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let current: RunningSubscription | undefined;

  const run = (): void => {
    if (stopped) return;
    const startedAt = Date.now();
    const running = start();
    current = running;
    const retry = (error: unknown): void => {
      if (stopped) return;
      // A subscription that ran a while before it failed starts over with a short pause.
      failures = Date.now() - startedAt > maxRetryMs ? 1 : failures + 1;
      const retryInMs = Math.min(firstRetryMs * 2 ** (failures - 1), maxRetryMs);
      options.onFailure(error, failures, retryInMs);
      timer = setTimeout(run, retryInMs);
    };
    running.done.then(
      () => {
        retry(new Error('the subscription ended'));
      },
      (error: unknown) => {
        retry(error);
      },
    );
  };
  run();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current?.stop();
    },
  };
}
