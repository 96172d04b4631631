import type { JsonValue } from '@loom/event-store';
import type { SagaEvent } from '@loom/sagas';

/** One try of a step's action or compensation: its device operations carry `idempotencyKey`. */
export interface AttemptTrace {
  readonly attempt: number;
  readonly idempotencyKey: string;
  readonly startedAt: string;
  readonly outcome: 'running' | 'succeeded' | 'failed';
  readonly endedAt?: string;
  readonly result?: JsonValue;
  readonly reason?: string;
  readonly errorKind?: string;
}

export interface StepTrace {
  readonly step: string;
  readonly skipped: boolean;
  readonly attempts: readonly AttemptTrace[];
  readonly compensations: readonly AttemptTrace[];
}

export interface SagaTrace {
  readonly sagaId: string;
  readonly sagaType: string;
  readonly resourceKey: string;
  readonly status: string;
  readonly steps: readonly StepTrace[];
  /** Operator actions (retry, abort, resolve) with their actor and reason. */
  readonly operatorActions: readonly { type: string; actor: string; reason: string; at: string }[];
  readonly error?: JsonValue;
}

interface MutableStep {
  step: string;
  skipped: boolean;
  attempts: AttemptTrace[];
  compensations: AttemptTrace[];
}

/** A saga's stream as a trace: each step's attempts and compensations, in the order they ran. */
export function traceSaga(sagaId: string, events: readonly SagaEvent[]): SagaTrace {
  let sagaType = '';
  let resourceKey = '';
  let status = 'waiting';
  let error: JsonValue | undefined;
  const steps = new Map<string, MutableStep>();
  const operatorActions: SagaTrace['operatorActions'][number][] = [];
  const stepOf = (name: string): MutableStep => {
    const existing = steps.get(name);
    if (existing) return existing;
    const created = { step: name, skipped: false, attempts: [], compensations: [] };
    steps.set(name, created);
    return created;
  };
  const settle = (list: AttemptTrace[], attempt: number, change: Partial<AttemptTrace>): void => {
    const index = list.findIndex((entry) => entry.attempt === attempt);
    const current = list[index];
    if (current !== undefined) list[index] = { ...current, ...change };
  };
  for (const event of events) {
    switch (event.type) {
      case 'SagaStarted':
        sagaType = event.data.sagaType;
        resourceKey = event.data.resourceKey;
        status = 'running';
        for (const plan of event.data.steps) stepOf(plan.name);
        break;
      case 'SagaStepSkipped':
        stepOf(event.data.step).skipped = true;
        break;
      case 'SagaStepStarted':
        stepOf(event.data.step).attempts.push({
          attempt: event.data.attempt,
          idempotencyKey: event.data.idempotencyKey,
          startedAt: event.data.startedAt,
          outcome: 'running',
        });
        break;
      case 'SagaStepSucceeded':
        settle(stepOf(event.data.step).attempts, event.data.attempt, {
          outcome: 'succeeded',
          endedAt: event.data.at,
          result: event.data.result,
        });
        break;
      case 'SagaStepFailed':
        settle(stepOf(event.data.step).attempts, event.data.attempt, {
          outcome: 'failed',
          endedAt: event.data.at,
          reason: event.data.reason,
          errorKind: event.data.errorKind,
        });
        break;
      case 'SagaCompensationStarted':
        status = 'compensating';
        stepOf(event.data.step).compensations.push({
          attempt: event.data.attempt,
          idempotencyKey: event.data.idempotencyKey,
          startedAt: event.data.startedAt,
          outcome: 'running',
        });
        break;
      case 'SagaStepCompensated':
        settle(stepOf(event.data.step).compensations, event.data.attempt, {
          outcome: 'succeeded',
          endedAt: event.data.at,
        });
        break;
      case 'SagaCompensationFailed':
        settle(stepOf(event.data.step).compensations, event.data.attempt, {
          outcome: 'failed',
          endedAt: event.data.at,
          reason: event.data.reason,
          errorKind: event.data.errorKind,
        });
        break;
      case 'SagaCompleted':
        status = 'completed';
        break;
      case 'SagaFailed':
        status = 'failed';
        error = event.data.error;
        break;
      case 'SagaParked':
        status = 'parked';
        break;
      case 'SagaRetried':
      case 'SagaAborted':
      case 'SagaResolved':
        operatorActions.push({ type: event.type, ...event.data });
        break;
      default:
        break;
    }
  }
  return {
    sagaId,
    sagaType,
    resourceKey,
    status,
    steps: [...steps.values()],
    operatorActions,
    ...(error === undefined ? {} : { error }),
  };
}
