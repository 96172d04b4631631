import {
  WrongExpectedRevisionError,
  type EventStore,
  type JsonValue,
  type RecordedEvent,
} from '@loom/event-store';
import type { Pool } from 'pg';
import { planSteps } from './definition/define-saga';
import type { AnySagaDefinition } from './definition/saga-definition';
import { assertSagaId } from './definition/saga-names';
import { SagaRegistry } from './definition/saga-registry';
import type { SagaType } from './definition/saga-type';
import type { SagaCommand } from './domain/saga.commands';
import { sagaDecider } from './domain/saga.decider';
import type { SagaEvent } from './domain/saga.events';
import { evolveSaga } from './domain/saga.evolve';
import { sagaOutcome, type SagaOutcome } from './domain/saga-outcome';
import type { SagaState } from './domain/saga.state';
import { SagaCommandRejectedError } from './domain/saga.errors';
import { indexSnapshot } from './persistence/index-snapshot';
import type { SagaStatus } from './persistence/saga-status';
import type { SagaFilter } from './persistence/saga-filter';
import { SagaIndex, type ListSagasQuery, type SagaSummary } from './persistence/saga-index';
import { SagaSearch, type SagaPage, type SagaPageQuery } from './persistence/saga-search';
import { OutcomeWaiters } from './outcome-waiters';
import { InvalidSagaRequestError, SagaIdConflictError, SagaNotFoundError } from './sagas.errors';
import { decodeSagaEvent } from './store/saga-event-codec';
import { SagaStreams } from './store/saga-streams';

export interface SagasOptions {
  readonly pool: Pool;
  readonly store: EventStore;
  /** The types that may be started (operators' actions need them too, to start a waiting saga). */
  readonly definitions: readonly AnySagaDefinition[];
  /** How often waitFor looks at the sagas waited for. Default 100 ms. */
  readonly waitPollIntervalMs?: number;
  readonly clock?: () => Date;
}

/** Who asks for an operator action, and why: recorded in the saga's stream. */
export interface OperatorRequest {
  readonly actor: string;
  readonly reason: string;
}

/** What an operator may do to a saga; a batch applies one to every saga a filter selects. */
export type SagaOperatorAction = 'retry' | 'abort' | 'resolve';

/** Statuses an action applies to (abort starts a waiting saga to record it, then undoes it). */
export const operatorActionStatuses: Readonly<Record<SagaOperatorAction, readonly SagaStatus[]>> = {
  retry: ['parked'],
  resolve: ['parked'],
  abort: ['waiting', 'running', 'parked'],
};

export interface BatchResult {
  readonly matched: number;
  readonly applied: readonly string[];
  /** Sagas that changed meanwhile (finished, or acted on by someone else), with why. */
  readonly refused: readonly { readonly sagaId: string; readonly reason: string }[];
}

export interface SagaHistoryEntry {
  readonly revision: number;
  readonly event: SagaEvent;
  readonly actor: string | undefined;
  readonly recordedAt: Date;
}

export interface SagaHistory {
  readonly summary: SagaSummary;
  readonly state: SagaState;
  /** Set once the saga completed, failed or parked. */
  readonly outcome: SagaOutcome | undefined;
  readonly events: readonly SagaHistoryEntry[];
}

const maxResourceKeyLength = 200;
const operatorAttempts = 10;

/**
 * The saga API for the rest of Loom and the dashboard: start sagas, find them, wait for them,
 * and act on them as an operator. Sagas run on SagaWorker instances, in this process or others.
 */
export class Sagas {
  private readonly registry: SagaRegistry;
  private readonly index: SagaIndex;
  private readonly searches: SagaSearch;
  private readonly streams: SagaStreams;
  private readonly waiters: OutcomeWaiters;
  private readonly clock: () => Date;

  constructor(options: SagasOptions) {
    this.registry = new SagaRegistry(options.definitions);
    this.index = new SagaIndex(options.pool);
    this.searches = new SagaSearch(options.pool);
    this.streams = new SagaStreams(options.store);
    this.waiters = new OutcomeWaiters(this.index, this.streams, options.waitPollIntervalMs ?? 100);
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * Requests a saga of the given type (its definition, or its `sagaType` handle), with an input
   * of that type. Idempotent on the saga id: starting it again with the same type, resource key
   * and input returns the existing saga; with anything different it is a SagaIdConflictError.
   * It runs once no earlier unfinished saga of the same resource key remains.
   */
  start<Input>(
    saga: SagaType<Input>,
    sagaId: string,
    resourceKey: string,
    input: NoInfer<Input>,
  ): Promise<SagaSummary>;
  /**
   * The same by type name, with an untyped input; kept for callers that only hold the name.
   * Prefer the handle: it checks the input against the saga's type.
   */
  start(type: string, sagaId: string, resourceKey: string, input: JsonValue): Promise<SagaSummary>;
  async start(
    saga: string | SagaType<unknown>,
    sagaId: string,
    resourceKey: string,
    input: unknown,
  ): Promise<SagaSummary> {
    const type = typeof saga === 'string' ? saga : saga.type;
    assertSagaId(sagaId);
    this.registry.get(type);
    if (
      typeof resourceKey !== 'string' ||
      resourceKey.length === 0 ||
      resourceKey.length > maxResourceKeyLength
    ) {
      throw new InvalidSagaRequestError(
        `the resource key must be 1 to ${maxResourceKeyLength} characters`,
      );
    }
    if ((JSON.stringify(input) as string | undefined) === undefined) {
      throw new InvalidSagaRequestError('the input must be a JSON value');
    }
    // The handle's input type is Jsonable (sagaType and defineSaga check it): stored as JSON.
    const json = input as JsonValue;
    const { summary, sameRequest } = await this.index.insert({
      sagaId,
      type,
      resourceKey,
      input: json,
    });
    if (!sameRequest) throw new SagaIdConflictError(sagaId);
    return summary;
  }

  get(sagaId: string): Promise<SagaSummary | undefined> {
    return this.index.get(sagaId);
  }

  list(query: ListSagasQuery = {}): Promise<SagaSummary[]> {
    return this.index.list(query);
  }

  /** A page of sagas: filtered, sorted, keyset-paged (the dashboard's list). */
  search(query: SagaPageQuery = {}): Promise<SagaPage> {
    return this.searches.page(query);
  }

  count(filter: SagaFilter = {}): Promise<number> {
    return this.searches.count(filter);
  }

  /** When the saga index last changed: a live view polls it and reloads when it moves. */
  lastChange(): Promise<string | null> {
    return this.searches.lastChange();
  }

  inFlightByLeaf(): Promise<{ leaf: string; count: number }[]> {
    return this.searches.inFlightByLeaf();
  }

  /** How many sagas `batch(action, filter, ...)` would act on now. */
  preview(action: SagaOperatorAction, filter: SagaFilter): Promise<number> {
    return this.searches.count(eligible(action, filter));
  }

  /**
   * Applies one operator action to every saga the filter selects that it applies to (at most
   * `max`, oldest first), each recorded in its own stream with the actor and reason, as one
   * action would be. A saga that changed meanwhile is refused and reported, not retried.
   */
  async batch(
    action: SagaOperatorAction,
    filter: SagaFilter,
    request: OperatorRequest,
    max = 1000,
  ): Promise<BatchResult> {
    checkOperatorRequest(request);
    const selected = eligible(action, filter);
    const applied: string[] = [];
    const refused: { sagaId: string; reason: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.searches.page({
        filter: selected,
        sort: 'oldest',
        limit: Math.min(100, max - applied.length - refused.length),
        ...(cursor !== undefined && { cursor }),
      });
      for (const saga of page.sagas) {
        try {
          await this.act(action, saga.sagaId, request);
          applied.push(saga.sagaId);
        } catch (error) {
          if (!(error instanceof SagaCommandRejectedError)) throw error;
          refused.push({ sagaId: saga.sagaId, reason: error.message });
        }
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined && applied.length + refused.length < max);
    return { matched: applied.length + refused.length, applied, refused };
  }

  /** One operator action on one saga. */
  act(action: SagaOperatorAction, sagaId: string, request: OperatorRequest): Promise<SagaSummary> {
    switch (action) {
      case 'retry':
        return this.retry(sagaId, request);
      case 'abort':
        return this.abort(sagaId, request);
      case 'resolve':
        return this.resolve(sagaId, request);
      default: {
        const exhaustive: never = action;
        return exhaustive;
      }
    }
  }

  /** How many sagas of each type are in each status: the dashboard's overview and the metrics. */
  counts(): Promise<{ type: string; status: SagaStatus; count: number }[]> {
    return this.index.counts();
  }

  async history(sagaId: string): Promise<SagaHistory | undefined> {
    const summary = await this.index.get(sagaId);
    if (!summary) return undefined;
    const { state, events } = await this.streams.load(sagaId);
    return {
      summary,
      state,
      outcome: sagaOutcome(state),
      events: events.map((recorded: RecordedEvent) => ({
        revision: recorded.revision,
        event: decodeSagaEvent(recorded),
        actor: recorded.metadata.actor,
        recordedAt: recorded.recordedAt,
      })),
    };
  }

  /** Resolves when the saga completed, failed or parked; rejects with SagaWaitTimeoutError. */
  waitFor(sagaId: string, timeoutMs: number): Promise<SagaOutcome> {
    return this.waiters.wait(sagaId, timeoutMs);
  }

  /** A parked saga gets a fresh set of attempts for the work it was parked on. */
  retry(sagaId: string, request: OperatorRequest): Promise<SagaSummary> {
    return this.operate(sagaId, 'RetrySaga', request);
  }

  /**
   * A running, waiting or parked saga stops; what it did is undone and it ends failed. A saga
   * parked while undoing gets a fresh round for the compensation it ran out of attempts on.
   */
  abort(sagaId: string, request: OperatorRequest): Promise<SagaSummary> {
    return this.operate(sagaId, 'AbortSaga', request);
  }

  /** The operator cleaned up a parked saga by hand: it ends failed and frees its resource. */
  resolve(sagaId: string, request: OperatorRequest): Promise<SagaSummary> {
    return this.operate(sagaId, 'ResolveSaga', request);
  }

  /** Rejects pending waits; the database pool and the store belong to the caller. */
  close(): void {
    this.waiters.close();
  }

  /**
   * Records an operator's command at the stream's revision, like a worker does, and marks the
   * saga due so that a worker acts on it. A worker holding the saga meanwhile fails its next
   * append (the revision moved), lets go, and the next claim carries on from the stream.
   */
  private async operate(
    sagaId: string,
    type: 'RetrySaga' | 'AbortSaga' | 'ResolveSaga',
    request: OperatorRequest,
  ): Promise<SagaSummary> {
    const { actor, reason } = checkOperatorRequest(request);
    for (let attempt = 1; ; attempt += 1) {
      const summary = await this.index.get(sagaId);
      if (!summary) throw new SagaNotFoundError(sagaId);
      const loaded = await this.streams.load(sagaId);
      const now = this.clock();
      const at = now.toISOString();
      let state = loaded.state;
      const events: SagaEvent[] = [];
      const decide = (next: SagaCommand): void => {
        const decided = sagaDecider.decide(next, state);
        state = decided.reduce(evolveSaga, state);
        events.push(...decided);
      };
      if (state.status === 'NotStarted') {
        // A saga still waiting for its resource starts here only to record the operator's action.
        const definition = this.registry.get(summary.type);
        decide({
          type: 'StartSaga',
          sagaId,
          sagaType: summary.type,
          resourceKey: summary.resourceKey,
          input: summary.input,
          steps: planSteps(definition),
          at,
        });
      }
      decide({ type, actor, reason, at });
      try {
        const revision = await this.streams.append(sagaId, events, loaded.revision, {
          actor,
          correlationId: sagaId,
        });
        await this.index.record(sagaId, revision, indexSnapshot(state, now));
        return (await this.index.get(sagaId)) ?? summary;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= operatorAttempts)
          throw error;
      }
    }
  }
}

/** An operator action names who asks and why: both are recorded, and both are required. */
function checkOperatorRequest(request: OperatorRequest): OperatorRequest {
  const actor = request.actor.trim();
  const reason = request.reason.trim();
  if (!actor || !reason) {
    throw new InvalidSagaRequestError('an operator action needs an actor and a reason');
  }
  if (reason.length > 500) throw new InvalidSagaRequestError('a reason is at most 500 characters');
  return { actor, reason };
}

function eligible(action: SagaOperatorAction, filter: SagaFilter): SagaFilter {
  const applies = operatorActionStatuses[action];
  const statuses = filter.statuses?.length
    ? filter.statuses.filter((status) => applies.includes(status))
    : applies;
  // No status left: a filter that matches nothing.
  return statuses.length ? { ...filter, statuses } : { ...filter, sagaIds: [] };
}
