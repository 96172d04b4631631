import type { JsonValue } from '@loom/event-store';
import type { RetryPolicy, StepPlan } from '../domain/saga.events';
import {
  defaultCompensationRetryPolicy,
  defaultRetryPolicy,
  defaultStepTimeoutMs,
  type AnySagaDefinition,
  type SagaDefinition,
  type SagaStep,
} from './saga-definition';
import type { JsonInput } from './jsonable';
import { InvalidSagaDefinitionError, isStepName } from './saga-names';
import { checkedSagaType, type SagaType } from './saga-type';

/** What defineSaga is given: the saga's type (a name, or its `sagaType` handle) and its steps. */
export interface SagaDefinitionSpec<Input> {
  readonly type: string | SagaType<Input>;
  readonly steps: readonly SagaStep<Input>[];
}

/**
 * Checks a definition once, where it is written, instead of when its first saga runs. Input must
 * be JSON (see Jsonable): it is stored, and the steps get it back from the store. The definition
 * is the saga's typed handle: `sagas.start(definition, sagaId, resourceKey, input)`.
 */
export function defineSaga<Input = JsonValue>(
  spec: SagaDefinitionSpec<Input> & JsonInput<Input>,
): SagaDefinition<Input> {
  const type = checkedSagaType(typeof spec.type === 'string' ? spec.type : spec.type.type);
  const { steps } = spec;
  if (steps.length === 0) throw new InvalidSagaDefinitionError(`saga ${type} has no steps`);
  const names = new Set<string>();
  for (const step of steps) {
    if (!isStepName(step.name)) {
      throw new InvalidSagaDefinitionError(
        `saga ${type}: invalid step name ${JSON.stringify(step.name)}`,
      );
    }
    if (names.has(step.name)) {
      throw new InvalidSagaDefinitionError(`saga ${type}: step ${step.name} is listed twice`);
    }
    names.add(step.name);
  }
  const definition = { type, steps } as SagaDefinition<Input>;
  planSteps(definition);
  return definition;
}

/** The policies recorded in SagaStarted: the definition's, defaults filled in. */
export function planSteps(definition: AnySagaDefinition): StepPlan[] {
  return definition.steps.map((step) => ({
    name: step.name,
    timeoutMs: positive(
      definition.type,
      `${step.name}.timeoutMs`,
      step.timeoutMs ?? defaultStepTimeoutMs,
    ),
    retry: policy(definition.type, `${step.name}.retry`, { ...defaultRetryPolicy, ...step.retry }),
    compensationTimeoutMs: positive(
      definition.type,
      `${step.name}.compensationTimeoutMs`,
      step.compensationTimeoutMs ?? defaultStepTimeoutMs,
    ),
    compensationRetry: policy(definition.type, `${step.name}.compensationRetry`, {
      ...defaultCompensationRetryPolicy,
      ...step.compensationRetry,
    }),
    // Only when set, so that plans recorded before the option existed read the same.
    ...(step.onExhausted === 'park' && { onExhausted: 'park' as const }),
  }));
}

function policy(type: string, field: string, retry: RetryPolicy): RetryPolicy {
  if (!Number.isSafeInteger(retry.maxAttempts) || retry.maxAttempts < 1) {
    throw new InvalidSagaDefinitionError(
      `saga ${type}: ${field}.maxAttempts must be an integer >= 1`,
    );
  }
  positive(type, `${field}.initialBackoffMs`, retry.initialBackoffMs, true);
  positive(type, `${field}.maxBackoffMs`, retry.maxBackoffMs, true);
  return {
    maxAttempts: retry.maxAttempts,
    initialBackoffMs: retry.initialBackoffMs,
    maxBackoffMs: retry.maxBackoffMs,
  };
}

function positive(type: string, field: string, value: number, zeroAllowed = false): number {
  if (!Number.isSafeInteger(value) || value < (zeroAllowed ? 0 : 1)) {
    throw new InvalidSagaDefinitionError(
      `saga ${type}: ${field} must be an integer >= ${zeroAllowed ? 0 : 1}`,
    );
  }
  return value;
}
