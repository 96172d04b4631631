import {
  WrongExpectedRevisionError,
  type AppendResult,
  type StreamAppend,
} from '@loom/event-store';
import { AbortedError } from '@loom/errors';
import type { IntentTransaction } from '../intent-transaction';
import { IntentScope, ReadAfresh } from './intent-scope';
import { StagedBatch } from './staged-batch';
import type { StreamStates } from './stream-states';

export interface GroupCommitOptions {
  readonly states: StreamStates;
  readonly appendToStreams: (appends: readonly StreamAppend[]) => Promise<AppendResult[]>;
  readonly versionOf: (eventType: string) => number;
}

/** Intents decided together and committed in one append: bounded so a commit stays short. */
const maxIntentsPerCommit = 64;
const maxEventsPerCommit = 1_024;
const maxAttempts = 25;
const maxRuns = 16;

interface Pending {
  readonly work: (transaction: IntentTransaction) => Promise<unknown>;
  /** Whether its caller stopped waiting: then it is not decided, so not committed. */
  readonly callEnded: (() => boolean) | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

type Outcome =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/**
 * Intents of this process decided one after another and committed together: one atomic
 * multi-stream append for all the intents that arrived while the previous commit was running
 * (group commit). Every stream of the commit carries the revision its decisions were made on, so
 * a stream another writer moved fails the whole commit, which is then decided again with that
 * stream read afresh. Nothing of an intent that fails is written.
 *
 * A stream not in the cache is presumed empty (its expected revision `no-stream` checks that).
 * A refusal or a no-op decided on a cached or presumed state is decided again on the stream read
 * afresh, unless the commit checks that state anyway (other intents of it append to the stream).
 */
export class GroupCommit {
  private readonly queue: Pending[] = [];
  private draining = false;

  constructor(private readonly options: GroupCommitOptions) {}

  run<T>(
    work: (transaction: IntentTransaction) => Promise<T>,
    callEnded?: () => boolean,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, callEnded, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const intents = this.queue.splice(0, maxIntentsPerCommit);
        // A read that failed while deciding: nobody of the commit hears of it otherwise (those
        // put back for the next commit are not of this one).
        await this.commit(intents).catch((error: unknown) => {
          for (const intent of intents) if (!this.queue.includes(intent)) intent.reject(error);
        });
      }
    } finally {
      this.draining = false;
    }
  }

  private async commit(intents: Pending[]): Promise<void> {
    const readAfresh = new Set<string>();
    let batch: StagedBatch;
    let outcomes: Outcome[];
    for (let attempt = 1; ; attempt += 1) {
      batch = new StagedBatch(this.options.states, readAfresh);
      outcomes = [];
      let deferred: Pending[] = [];
      for (const [index, intent] of intents.entries()) {
        if (batch.eventCount() >= maxEventsPerCommit) {
          deferred = intents.slice(index);
          break;
        }
        // Queued while its caller gave up (overload, a deadline): committed now, it would land
        // after the caller's retry may have been answered elsewhere without it.
        outcomes.push(intent.callEnded?.() ? callEnded() : await decide(batch, intent));
      }
      // Put back what did not fit, for the next commit, ahead of newer arrivals.
      if (deferred.length > 0) {
        this.queue.unshift(...deferred);
        intents = intents.slice(0, outcomes.length);
      }
      // A caller that gave up while the batch was being decided: decided again without it.
      if (intents.some((intent, index) => outcomes[index]?.ok && intent.callEnded?.())) continue;
      try {
        const appends = batch.appends(this.options.versionOf);
        if (appends.length > 0) batch.committed(await this.options.appendToStreams(appends));
        break;
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < maxAttempts) {
          readAfresh.add(error.stream);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * attempt));
          continue;
        }
        // Unknown whether it was written (a lost reply): read those streams again next time.
        batch.forgetStaged();
        const failure =
          error instanceof WrongExpectedRevisionError
            ? new AbortedError(
                'CONCURRENT_CHANGE',
                error.stream,
                'too many concurrent changes: retry the request',
              )
            : error;
        for (const intent of intents) intent.reject(failure);
        return;
      }
    }
    intents.forEach((intent, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) intent.resolve(outcome.value);
      else intent.reject(outcome?.error);
    });
  }
}

function callEnded(): Outcome {
  const error = new AbortedError(
    'CALL_ENDED',
    '',
    'the caller stopped waiting before the intent was committed: nothing was written',
  );
  return { ok: false, error };
}

/** Runs an intent on the batch; it starts again when it had to read a stream afresh. */
async function decide(batch: StagedBatch, intent: Pending): Promise<Outcome> {
  for (let run = 1; ; run += 1) {
    const scope = new IntentScope(batch);
    try {
      const value = await intent.work(scope);
      batch.keep(scope.changes);
      return { ok: true, value };
    } catch (error) {
      // Each run reads at least one more stream afresh, and an intent touches a few streams.
      if (run < maxRuns) {
        if (error instanceof ReadAfresh) continue;
        // A failure stands only if every state the intent decided on does.
        if (await batch.readUntrusted(scope.touched)) continue;
      }
      return { ok: false, error };
    }
  }
}
