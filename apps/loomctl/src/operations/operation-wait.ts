import type { Operation } from '@loom/api-contract';
import { CliError } from '../cli/cli-error';
import { EXIT } from '../cli/exit-codes';
import type { CliContext } from '../cli/cli-context';
import type { Session } from '../cli/session';
import { startWaitProgress } from './wait-progress';

/** Each WaitOperation call asks for at most this long (the engine allows 60 s). */
const waitChunkMs = 10_000;

/**
 * Waits until the long-running operation is done, at most `timeoutMs`, with a progress indicator,
 * and returns it, failed or not. Running out of time is DEADLINE_EXCEEDED (exit 14), Ctrl-C exits
 * 130: in both cases the operation goes on in the engine, and the message says how to wait for
 * it again.
 */
export async function waitForOperation(
  context: CliContext,
  session: Session,
  operation: Operation,
  timeoutMs: number,
): Promise<Operation> {
  const progress = startWaitProgress(context.io.progressStream, operation);
  let interrupt: (error: CliError) => void = () => undefined;
  const interrupted = new Promise<never>((_, reject) => {
    interrupt = reject;
  });
  const stopListening = context.io.onInterrupt(() => {
    interrupt(
      new CliError(
        `interrupted; ${operation.name} goes on: loomctl operations wait ${operation.name}`,
        EXIT.interrupted,
      ),
    );
  });
  const polling = pollUntilDone(session, operation, timeoutMs, (current) => {
    progress.update(current);
  });
  // After Ctrl-C the session closes the channel under the call in flight: that failure is moot.
  polling.catch(() => undefined);
  try {
    return await Promise.race([polling, interrupted]);
  } finally {
    stopListening();
    progress.stop();
  }
}

async function pollUntilDone(
  session: Session,
  operation: Operation,
  timeoutMs: number,
  onProgress: (operation: Operation) => void,
): Promise<Operation> {
  const deadline = Date.now() + timeoutMs;
  let current = operation;
  while (!current.done) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw CliError.status(
        'DEADLINE_EXCEEDED',
        `${current.name} is still running after ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}; ` +
          `wait again with: loomctl operations wait ${current.name}`,
      );
    }
    // At least 100 ms: a timeout of 0 would mean the engine's default of 30 s.
    const chunk = Math.max(100, Math.min(waitChunkMs, remaining));
    current = await session.client.operations.waitOperation(
      {
        name: current.name,
        timeout: { seconds: String(Math.floor(chunk / 1000)), nanos: (chunk % 1000) * 1_000_000 },
      },
      { timeoutMs: chunk + 10_000 },
    );
    onProgress(current);
  }
  return current;
}

/** The operation when it succeeded; its error (exit status from its code) when it failed. */
export function succeeded(session: Session, operation: Operation): Operation {
  if (operation.error) throw session.api.failureOfOperation(operation.name, operation.error);
  return operation;
}
