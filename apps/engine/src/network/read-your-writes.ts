import { UnavailableError } from '@loom/errors';
import { ProjectionWaitTimeoutError, type ProjectionRunner } from '@loom/projections';

/**
 * Waits until the projection has applied everything committed before the call, so that a read
 * sees the caller's own writes. A read model still catching up after the timeout (an engine just
 * started behind a long log, a database that was away) is a transient state of this engine, not a
 * fault of the request: the caller hears UNAVAILABLE and retries, as for any dependency away.
 */
export async function readYourWrites(
  runner: Pick<ProjectionRunner, 'waitForHead'>,
  projection: string,
  timeoutMs: number,
): Promise<void> {
  try {
    await runner.waitForHead(projection, timeoutMs);
  } catch (error) {
    if (!(error instanceof ProjectionWaitTimeoutError)) throw error;
    throw new UnavailableError(`the read model is catching up with the log: ${error.message}`);
  }
}
