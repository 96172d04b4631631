import type { Operation } from '@loom/api-contract';

/** What waiting for one operation reads: the operation, and the progress of its read model. */
export interface OperationWaitSource {
  read(): Promise<Operation>;
  /** The read model's position in this process (before a read). */
  position(): bigint | undefined;
  /** Resolves once the read model moves past `position`, or after `timeoutMs`. */
  waitBeyond(position: bigint | undefined, timeoutMs: number): Promise<void>;
}

/** A waiting call reads its operation again at least this often... */
export const recheckMs = 1_000;
/** ...and at most once per this gap, however often the read model moves on. */
export const minimumGapMs = 20;

/**
 * Answers once the operation is done or the deadline passes (AIP-151's WaitOperation): the
 * operation is read again each time its read model moves on, so a waiting call costs nothing while
 * nothing changes and hears of the end within one projection batch.
 */
export async function waitUntilDone(
  source: OperationWaitSource,
  deadline: number,
  timing: { readonly recheckMs: number; readonly minimumGapMs: number } = {
    recheckMs,
    minimumGapMs,
  },
): Promise<Operation> {
  for (;;) {
    const seen = source.position();
    const readAt = Date.now();
    const operation = await source.read();
    if (operation.done || Date.now() >= deadline) return operation;
    await source.waitBeyond(seen, Math.min(timing.recheckMs, deadline - Date.now()));
    const gap = readAt + timing.minimumGapMs - Date.now();
    if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
  }
}
