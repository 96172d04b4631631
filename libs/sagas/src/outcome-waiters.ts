import { sagaOutcome, type SagaOutcome } from './domain/saga-outcome';
import type { SagaIndex } from './persistence/saga-index';
import type { SagaStatus } from './persistence/saga-status';
import { SagaNotFoundError, SagasClosedError, SagaWaitTimeoutError } from './sagas.errors';
import type { SagaStreams } from './store/saga-streams';

interface Waiter {
  readonly resolve: (outcome: SagaOutcome) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Callers waiting for sagas to end. One poll serves them all: a single index query for every
 * waited saga, then a read of the stream (the truth, with the error) of each that looks done.
 * Polling keeps waiting independent of where the saga runs (any worker, any process).
 */
export class OutcomeWaiters {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly lastStatus = new Map<string, SagaStatus>();
  private polling: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly index: SagaIndex,
    private readonly streams: SagaStreams,
    private readonly pollIntervalMs: number,
  ) {}

  wait(sagaId: string, timeoutMs: number): Promise<SagaOutcome> {
    if (this.closed) return Promise.reject(new SagasClosedError(sagaId));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.settle(sagaId, waiter);
          reject(new SagaWaitTimeoutError(sagaId, timeoutMs, this.lastStatus.get(sagaId)));
        }, timeoutMs),
      };
      const forSaga = this.waiters.get(sagaId) ?? new Set();
      forSaga.add(waiter);
      this.waiters.set(sagaId, forSaga);
      this.pollSoon(0);
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const [sagaId, waiters] of this.waiters) {
      for (const waiter of waiters) {
        this.settle(sagaId, waiter);
        waiter.reject(new SagasClosedError(sagaId));
      }
    }
  }

  private pollSoon(delayMs: number): void {
    if (this.polling || this.closed || this.waiters.size === 0) return;
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.polling = this.poll().finally(() => {
        this.polling = undefined;
        this.pollSoon(this.pollIntervalMs);
      });
    }, delayMs);
  }

  private async poll(): Promise<void> {
    const sagaIds = [...this.waiters.keys()];
    try {
      const statuses = await this.index.statuses(sagaIds);
      for (const sagaId of sagaIds) {
        const status = statuses.get(sagaId);
        if (status === undefined) {
          this.rejectAll(sagaId, new SagaNotFoundError(sagaId));
          continue;
        }
        this.lastStatus.set(sagaId, status);
        if (status !== 'completed' && status !== 'failed' && status !== 'parked') continue;
        const outcome = sagaOutcome((await this.streams.load(sagaId)).state);
        if (outcome) this.resolveAll(sagaId, outcome);
      }
    } catch {
      // A failed poll is retried at the next interval; the waits' own timeouts bound them.
    }
  }

  private resolveAll(sagaId: string, outcome: SagaOutcome): void {
    for (const waiter of this.waiters.get(sagaId) ?? []) {
      this.settle(sagaId, waiter);
      waiter.resolve(outcome);
    }
  }

  private rejectAll(sagaId: string, error: Error): void {
    for (const waiter of this.waiters.get(sagaId) ?? []) {
      this.settle(sagaId, waiter);
      waiter.reject(error);
    }
  }

  private settle(sagaId: string, waiter: Waiter): void {
    clearTimeout(waiter.timer);
    const forSaga = this.waiters.get(sagaId);
    forSaga?.delete(waiter);
    if (forSaga?.size === 0) {
      this.waiters.delete(sagaId);
      this.lastStatus.delete(sagaId);
    }
  }
}
