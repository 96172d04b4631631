import type { Operation } from '@loom/api-contract';
import type { CliContext } from '../cli/cli-context';
import { CliError } from '../cli/cli-error';
import {
  requestIdOf,
  type ApiFlags,
  type RequestIdFlags,
  type WaitFlags,
} from '../cli/common-options';
import { withSession, type Session } from '../cli/session';
import { succeeded, waitForOperation } from '../operations/operation-wait';
import type { Named, ResourceKind } from './resource-kind';
import { printOperation, printResource } from './resource-output';

/**
 * A create that answers with an Operation: sends it with a request id, then prints the operation
 * (--no-wait) or waits for it and prints the resource it made. A create that may not have reached
 * the engine says how to retry it safely.
 */
export async function runCreate<R extends Named>(
  context: CliContext,
  flags: ApiFlags & WaitFlags & RequestIdFlags,
  kind: ResourceKind<R>,
  name: string,
  create: (session: Session, requestId: string) => Promise<Operation>,
): Promise<void> {
  const requestId = requestIdOf(flags);
  await withSession(context, flags, async (session) => {
    let operation: Operation;
    try {
      operation = await create(session, requestId);
    } catch (error) {
      throw withRetryHint(session, error, requestId);
    }
    if (!flags.wait) {
      printOperation(context, flags.output, operation);
      return;
    }
    succeeded(session, await waitForOperation(context, session, operation, flags.waitTimeout));
    printResource(context, flags.output, kind, await kind.get(session.client, name));
  });
}

/** When the outcome is unknown (no answer), the same request id makes the retry safe. */
export function withRetryHint(session: Session, error: unknown, requestId: string): CliError {
  const failure = session.api.failureOfCall(error, session.connection.server);
  const code = session.api.grpcCodeOf(error);
  const unknownOutcome = code === 4 || code === 14; // DEADLINE_EXCEEDED, UNAVAILABLE
  return unknownOutcome
    ? new CliError(
        `${failure.message}\n  retry safely with --request-id ${requestId}`,
        failure.exitCode,
      )
    : failure;
}
