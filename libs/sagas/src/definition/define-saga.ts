import type { RetryPolicy, StepPlan } from '../domain/saga.events';
import {
  defaultCompensationRetryPolicy,
  defaultRetryPolicy,
  defaultStepTimeoutMs,
  type AnySagaDefinition,
  type SagaDefinition,
} from './saga-definition';
import { InvalidSagaDefinitionError, isSagaType, isStepName } from './saga-names';

/** Checks a definition once, where it is written, instead of when its first saga runs. */
export function defineSaga<Input>(definition: SagaDefinition<Input>): SagaDefinition<Input> {
  const { type, steps } = definition;
  if (!isSagaType(type))
    throw new InvalidSagaDefinitionError(`invalid saga type ${JSON.stringify(type)}`);
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
