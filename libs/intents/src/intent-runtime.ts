import { isConnectionFailure, UnavailableError } from '@loom/errors';
import type { EventMetadataInput, JsonValue } from '@loom/event-store';
import type { AggregateStore, Executed } from './aggregate-store';
import type { Decider, DomainEvent } from './decider';
import { fabricWorkDecider, fabricWorkStream } from './fabric-work/fabric-work.decider';
import type { IntentTransaction } from './intent-transaction';
import { eventMetadata, type RequestContext } from './request-context';
import { acceptCommand, failCommand, type IntentRequest } from './requests/idempotent-request';
import { requestStream } from './requests/request-stream';
import { requestDecider, type RequestState } from './requests/request.decider';

/** A saga an intent starts once it commits. Its id is the intent's operation id. */
export interface FabricWork<Input> {
  readonly sagaType: string;
  readonly sagaId: string;
  /** Sagas of one resource key run one after another, in the order of the log. */
  readonly resourceKey: string;
  /** Stored as JSON, and what the saga's steps get: typed by the saga's definition. */
  readonly input: Input;
}

/** What an intent decides through: its streams, and the fabric work it starts. */
export interface Intent extends IntentTransaction {
  /** The name the request produces: the same for every attempt with one request_id. */
  readonly result: string;
  /**
   * When this attempt was accepted (ISO-8601), as its request record says: stamp it on events
   * (`occurredAt`) whose time the reply shows, and a retry can answer with the same time.
   */
  readonly acceptedAt: string;
  /**
   * Records, in the intent's commit, a saga to start: the dispatcher (startFabricWorkDispatcher)
   * starts it from the log, so the commit and the saga start cannot come apart.
   */
  requestFabricWork<Input>(work: FabricWork<Input>): void;
}

/** What a request answered, and what its intent returned when this call decided it. */
export interface IntentOutcome<T> {
  readonly result: string;
  /** Undefined when an earlier attempt with the same request_id did the work. */
  readonly value: T | undefined;
  /** When the attempt that did the work was accepted (ISO-8601): this one's, or the earlier one's. */
  readonly acceptedAt: string;
}

type Attempt<T> =
  | {
      readonly ran: true;
      readonly result: string;
      readonly value: T;
      readonly acceptedAt: string;
    }
  | { readonly ran: false; readonly state: Exclude<RequestState, { status: 'Absent' }> };

const waitForOtherAttemptMs = 15_000;

/**
 * The one write path of every resource's intents. `submit` decides an intent over the streams it
 * touches and commits, all at once (see AggregateStore.transact): the request_id's record, the
 * intent's events and the fabric work it requested. A retry with the request_id answers as the
 * first attempt did. A refused or failed attempt writes nothing, not even its request_id's record:
 * a retry with the same request_id is decided again, like a first attempt, and the request_id
 * stays free for another payload. Only stream by stream (EventStoreDB), where the record is
 * appended before the intent runs, does a failed attempt end its record with RequestFailed.
 */
export class IntentRuntime {
  constructor(private readonly aggregates: AggregateStore) {}

  /** One command on one stream, appended at once: updates, and what process managers record. */
  execute<Command, Event extends DomainEvent, State>(
    stream: string,
    decider: Decider<Command, Event, State>,
    command: Command,
    metadata: EventMetadataInput,
  ): Promise<Executed<Event, State>> {
    return this.aggregates.execute(stream, decider, command, metadata);
  }

  async submit<T>(
    request: IntentRequest,
    context: RequestContext,
    decide: (intent: Intent) => Promise<T>,
  ): Promise<IntentOutcome<T>> {
    const requestId = request.requestId;
    const metadata = eventMetadata(context, request.tenantId, requestId);
    if (requestId === undefined) {
      const acceptedAt = new Date().toISOString();
      const value = await this.aggregates.transact(
        (transaction) =>
          decideWithWork(transaction, { result: request.result, acceptedAt }, metadata, decide),
        context.callEnded,
      );
      return { result: request.result, value, acceptedAt };
    }
    const stream = requestStream(request.tenantId, requestId);
    const deadline = Date.now() + waitForOtherAttemptMs;
    for (;;) {
      // Set by the last run of the transaction: whether the failure came from the intent.
      const progress = { accepted: false };
      let attempt: Attempt<T>;
      try {
        attempt = await this.aggregates.transact(async (transaction): Promise<Attempt<T>> => {
          const accepted = await transaction.execute(
            stream,
            requestDecider,
            acceptCommand(request),
            metadata,
          );
          const state = accepted.state as Exclude<RequestState, { status: 'Absent' }>;
          progress.accepted = accepted.events.length > 0;
          if (!progress.accepted) return { ran: false, state };
          const value = await decideWithWork(transaction, state, metadata, decide);
          await transaction.execute(stream, requestDecider, { type: 'CompleteRequest' }, metadata);
          return { ran: true, result: state.result, value, acceptedAt: state.acceptedAt };
        }, context.callEnded);
      } catch (error) {
        // Decided on the request_id's record absent. An earlier attempt may still be committing
        // it (its caller went away; the database finishes its transaction): this attempt's
        // answer is that one's, not a refusal decided without it.
        if (progress.accepted && this.aggregates.commitsAtomically) {
          if (await this.committedMeanwhile(stream, error)) continue;
        }
        // Committed atomically, the failed attempt left nothing, its record included. Stream by
        // stream its acceptance is in the log: ended here (best effort: the caller hears of the
        // failure itself either way), so that a retry need not wait for it to be presumed dead.
        if (progress.accepted && !this.aggregates.commitsAtomically) {
          await this.recordFailure(stream, metadata, error).catch(() => undefined);
        }
        throw error;
      }
      if (attempt.ran) {
        return { result: attempt.result, value: attempt.value, acceptedAt: attempt.acceptedAt };
      }
      const { status, result, acceptedAt } = attempt.state;
      if (status === 'Succeeded' || Date.now() > deadline) {
        return { result, value: undefined, acceptedAt };
      }
      // Another attempt with this request_id is running now (stream by stream): wait for it.
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /**
   * Whether an attempt with this request_id committed while this one was being decided: waits
   * for a commit in flight that creates its record. One still in flight after the wait leaves
   * the request's fate open: UNAVAILABLE, and the caller retries, rather than a refusal.
   */
  private async committedMeanwhile(stream: string, failure: unknown): Promise<boolean> {
    try {
      return await this.aggregates.createdMeanwhile(stream, requestDecider, waitForOtherAttemptMs);
    } catch (error) {
      if (isConnectionFailure(error) || isConnectionFailure(failure)) throw failure;
      throw new UnavailableError(
        'an earlier attempt with this request_id is still being committed: retry the request',
      );
    }
  }

  /**
   * Ends an attempt whose acceptance was appended before it failed (stream by stream): one
   * RequestFailed per failed attempt, and only on a record the attempt itself created or retried.
   * A record that is not Accepted (any more) is left as it is.
   */
  private async recordFailure(
    stream: string,
    metadata: EventMetadataInput,
    error: unknown,
  ): Promise<void> {
    await this.aggregates.transact(async (transaction) => {
      await transaction.execute(stream, requestDecider, failCommand(error), metadata);
    });
  }
}

/**
 * Runs the intent, then records the fabric work it requested: last, so that appended stream by
 * stream nothing starts a saga for an intent that failed part way.
 */
async function decideWithWork<T>(
  transaction: IntentTransaction,
  { result, acceptedAt }: { readonly result: string; readonly acceptedAt: string },
  metadata: EventMetadataInput,
  decide: (intent: Intent) => Promise<T>,
): Promise<T> {
  const requested: FabricWork<unknown>[] = [];
  const value = await decide({
    result,
    acceptedAt,
    execute: transaction.execute.bind(transaction),
    read: transaction.read.bind(transaction),
    requestFabricWork: (work) => {
      requested.push(work);
    },
  });
  for (const { sagaType, sagaId, resourceKey, input } of requested) {
    await transaction.execute(
      fabricWorkStream(sagaId),
      fabricWorkDecider,
      // JSON by the saga's input type (defineSaga checks it), as the saga engine stores it.
      { type: 'RequestFabricWork', sagaType, sagaId, resourceKey, input: input as JsonValue },
      metadata,
    );
  }
  return value;
}
