import type { JsonValue } from '@loom/event-store';
import type { SagaEvent, StepPlan } from '../domain/saga.events';

/** A four-step fabric saga as unit tests use it: steps a to d with small, distinct policies. */
export const sagaId = 'vpc-blue-create';
export const stepNames = ['reserve-vni', 'create-vrf', 'bind-vni', 'announce-evpn'] as const;

export function plan(name: string): StepPlan {
  return {
    name,
    timeoutMs: 5000,
    retry: { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 150 },
    compensationTimeoutMs: 4000,
    compensationRetry: { maxAttempts: 2, initialBackoffMs: 1000, maxBackoffMs: 5000 },
  };
}

export const started: SagaEvent = {
  type: 'SagaStarted',
  data: {
    sagaId,
    sagaType: 'create-vpc',
    resourceKey: 'vpc/blue',
    input: { vpc: 'blue' },
    steps: stepNames.map(plan),
    startedAt: '2030-01-01T00:00:00.000Z',
  },
};

/** ISO time `seconds` after the saga started. */
export function at(seconds: number): string {
  return new Date(Date.parse('2030-01-01T00:00:00.000Z') + seconds * 1000).toISOString();
}

export function stepStarted(step: string, attempt: number, when = at(1)): SagaEvent {
  return {
    type: 'SagaStepStarted',
    data: {
      step,
      attempt,
      idempotencyKey: `${sagaId}:${step}`,
      compensationIdempotencyKey: `${sagaId}:${step}:compensate`,
      startedAt: when,
    },
  };
}

export function stepSucceeded(
  step: string,
  attempt = 1,
  result: JsonValue = null,
  when = at(2),
): SagaEvent {
  return { type: 'SagaStepSucceeded', data: { step, attempt, result, at: when } };
}

export function stepFailed(
  step: string,
  attempt: number,
  retryAt: string | null,
  cause: 'error' | 'timeout' | 'interrupted' = 'error',
  when = at(2),
): SagaEvent {
  return {
    type: 'SagaStepFailed',
    data: {
      step,
      attempt,
      cause,
      reason: `${step} broke`,
      errorKind: cause === 'error' ? 'internal' : 'unavailable',
      retryAt,
      at: when,
    },
  };
}

/** Steps that ran and succeeded, in order. */
export function succeeded(...steps: string[]): SagaEvent[] {
  return steps.flatMap((step) => [stepStarted(step, 1), stepSucceeded(step, 1, { of: step })]);
}

export function compensationStarted(step: string, attempt: number, when = at(3)): SagaEvent {
  return {
    type: 'SagaCompensationStarted',
    data: { step, attempt, idempotencyKey: `${sagaId}:${step}:compensate`, startedAt: when },
  };
}

export function compensated(step: string, attempt = 1, when = at(4)): SagaEvent {
  return { type: 'SagaStepCompensated', data: { step, attempt, at: when } };
}

export function compensationFailed(
  step: string,
  attempt: number,
  retryAt: string | null,
  when = at(4),
): SagaEvent {
  return {
    type: 'SagaCompensationFailed',
    data: {
      step,
      attempt,
      cause: 'error',
      reason: `undo ${step} broke`,
      errorKind: 'internal',
      retryAt,
      at: when,
    },
  };
}
