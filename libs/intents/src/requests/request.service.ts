import type { EventMetadataInput } from '@loom/event-store';
import type { AggregateStore } from '../aggregate-store';
import { LoomError } from '@loom/errors';
import type { IntentTransaction } from '../intent-transaction';
import { eventMetadata, type RequestContext } from '../request-context';
import { requestStream } from './request-stream';
import { requestDecider, type RequestCommand, type RequestState } from './request.decider';

export interface IdempotentRequest {
  readonly tenantId: string;
  /** The client's request_id (a UUID), or undefined when the client sent none. */
  readonly requestId: string | undefined;
  readonly method: string;
  /** What makes two requests "the same": a stable serialisation of the request's payload. */
  readonly fingerprint: string;
  /** The name the request produces if it is the first attempt (an operation or a resource). */
  readonly result: string;
}

/** What an idempotent request answered, and what its work returned when this call did it. */
export interface RequestOutcome<T> {
  readonly result: string;
  /** Undefined when an earlier attempt with the same request_id did the work. */
  readonly value: T | undefined;
}

type Attempt<T> =
  | { readonly ran: true; readonly result: string; readonly value: T }
  | { readonly ran: false; readonly state: Exclude<RequestState, { status: 'Absent' }> };

const abandonAfterMs = 30_000;
const waitForOtherAttemptMs = 15_000;

/**
 * Runs a mutating request at most once per request_id: a retry returns the first attempt's
 * result, and a retry of a failed or abandoned attempt runs the work again, with the same result
 * name, so every step it repeats is recognised by its owner and not done twice.
 */
export class RequestService {
  constructor(private readonly aggregates: AggregateStore) {}

  async run(
    request: IdempotentRequest,
    context: RequestContext,
    work: (result: string) => Promise<void>,
  ): Promise<string> {
    if (request.requestId === undefined) {
      await work(request.result);
      return request.result;
    }
    const stream = requestStream(request.tenantId, request.requestId);
    const metadata = eventMetadata(context, request.tenantId, request.requestId);
    const deadline = Date.now() + waitForOtherAttemptMs;
    for (;;) {
      const accepted = await this.aggregates.execute(
        stream,
        requestDecider,
        acceptCommand(request),
        metadata,
      );
      const state = accepted.state as Exclude<RequestState, { status: 'Absent' }>;
      if (accepted.events.length > 0) {
        try {
          await work(state.result);
        } catch (error) {
          await this.aggregates.execute(stream, requestDecider, failCommand(error), metadata);
          throw error;
        }
        await this.aggregates.execute(
          stream,
          requestDecider,
          { type: 'CompleteRequest' },
          metadata,
        );
        return state.result;
      }
      if (state.status === 'Succeeded') return state.result;
      // Another attempt with this request_id is running now: wait for it, then answer as it did.
      if (Date.now() > deadline) return state.result;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /**
   * `run` for intents decided in one transaction (see AggregateStore.transact): accepting the
   * request, its work and completing it commit together, so a failed attempt leaves no trace but
   * its failure, recorded afterwards, and a concurrent attempt with the same request_id either
   * loses on the request's stream and answers as the first did, or waits for it.
   */
  async transact<T>(
    request: IdempotentRequest,
    context: RequestContext,
    work: (result: string, transaction: IntentTransaction) => Promise<T>,
  ): Promise<RequestOutcome<T>> {
    const requestId = request.requestId;
    if (requestId === undefined) {
      const value = await this.aggregates.transact((transaction) =>
        work(request.result, transaction),
      );
      return { result: request.result, value };
    }
    const stream = requestStream(request.tenantId, requestId);
    const metadata = eventMetadata(context, request.tenantId, requestId);
    const deadline = Date.now() + waitForOtherAttemptMs;
    for (;;) {
      // Set by the last run of the transaction: whether the failure came from the work.
      const progress = { accepted: false };
      let attempt: Attempt<T>;
      try {
        attempt = await this.aggregates.transact(async (transaction): Promise<Attempt<T>> => {
          const decided = await transaction.execute(
            stream,
            requestDecider,
            acceptCommand(request),
            metadata,
          );
          const state = decided.state as Exclude<RequestState, { status: 'Absent' }>;
          progress.accepted = decided.events.length > 0;
          if (!progress.accepted) return { ran: false, state };
          const value = await work(state.result, transaction);
          await transaction.execute(stream, requestDecider, { type: 'CompleteRequest' }, metadata);
          return { ran: true, result: state.result, value };
        });
      } catch (error) {
        // Recording is best effort: the caller hears of the failure itself either way.
        if (progress.accepted) {
          await this.recordFailure(request, stream, metadata, error).catch(() => undefined);
        }
        throw error;
      }
      if (attempt.ran) return { result: attempt.result, value: attempt.value };
      if (attempt.state.status === 'Succeeded' || Date.now() > deadline) {
        return { result: attempt.state.result, value: undefined };
      }
      // Another attempt with this request_id is running now (stream by stream): wait for it.
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The failed attempt, so that its request_id stays bound to its payload, and may be retried. */
  private async recordFailure(
    request: IdempotentRequest,
    stream: string,
    metadata: EventMetadataInput,
    error: unknown,
  ): Promise<void> {
    // Accepted anew when the transaction left nothing, already accepted when stream by stream.
    await this.aggregates.transact(async (transaction) => {
      await transaction.execute(stream, requestDecider, acceptCommand(request), metadata);
      await transaction.execute(stream, requestDecider, failCommand(error), metadata);
    });
  }
}

function acceptCommand(request: IdempotentRequest): RequestCommand {
  const now = new Date();
  return {
    type: 'AcceptRequest',
    method: request.method,
    fingerprint: request.fingerprint,
    result: request.result,
    now: now.toISOString(),
    staleBefore: new Date(now.getTime() - abandonAfterMs).toISOString(),
  };
}

function failCommand(error: unknown): RequestCommand {
  const code = error instanceof LoomError ? error.kind : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  return { type: 'FailRequest', code, message };
}
