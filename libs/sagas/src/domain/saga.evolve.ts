import type { SagaError, SagaEvent } from './saga.events';
import type { SagaState, StartedSagaState, StepState } from './saga.state';

/** How each saga event changes the state; unknown-in-state events leave it as it is. */
export function evolveSaga(state: SagaState, event: SagaEvent): SagaState {
  if (event.type === 'SagaStarted') {
    if (state.status !== 'NotStarted') return state;
    const { steps, ...facts } = event.data;
    return {
      status: 'Running',
      facts: {
        sagaId: facts.sagaId,
        sagaType: facts.sagaType,
        resourceKey: facts.resourceKey,
        input: facts.input,
        startedAt: facts.startedAt,
      },
      steps: steps.map((plan) => ({
        plan,
        action: { status: 'Pending' },
        compensation: { status: 'NotRegistered' },
      })),
    };
  }
  if (state.status === 'NotStarted') return state;
  return evolveStarted(state, event);
}

function evolveStarted(
  state: StartedSagaState,
  event: Exclude<SagaEvent, { type: 'SagaStarted' }>,
): SagaState {
  const { facts, steps } = state;
  switch (event.type) {
    case 'SagaStepSkipped':
      return withStep(state, event.data.step, (step) => ({
        ...step,
        action: { status: 'Skipped' },
      }));
    case 'SagaStepStarted':
      return withStep(state, event.data.step, (step) => ({
        ...step,
        action: { status: 'InFlight', attempt: event.data.attempt },
        compensation:
          step.compensation.status === 'NotRegistered'
            ? { status: 'Registered' }
            : step.compensation,
      }));
    case 'SagaStepSucceeded': {
      const { attempt, result } = event.data;
      return withStep(state, event.data.step, (step) => ({
        ...step,
        action: { status: 'Succeeded', attempt, result },
      }));
    }
    case 'SagaStepFailed': {
      const { step: name, attempt, cause, reason, errorKind, retryAt, parks } = event.data;
      const next = withStep(state, name, (step) => ({
        ...step,
        action: { status: 'Failed', attempt, cause, reason, retryAt },
      }));
      if (next.status !== 'Running' || retryAt !== null) return next;
      // Out of attempts on a step that parks: it stays failed here until ParkSaga records it.
      const plan = next.steps.find((step) => step.plan.name === name)?.plan;
      if (plan?.onExhausted === 'park' && parks !== false) return next;
      return {
        status: 'Compensating',
        facts,
        steps: next.steps,
        error: { kind: 'step-failed', step: name, attempt, cause, reason, errorKind },
      };
    }
    case 'SagaCompensationStarted':
      return withStep(state, event.data.step, (step) => ({
        ...step,
        compensation: { status: 'InFlight', attempt: event.data.attempt },
      }));
    case 'SagaStepCompensated':
      return withStep(state, event.data.step, (step) => ({
        ...step,
        compensation: { status: 'Compensated', attempt: event.data.attempt },
      }));
    case 'SagaCompensationFailed': {
      const { attempt, cause, reason, retryAt } = event.data;
      return withStep(state, event.data.step, (step) => ({
        ...step,
        compensation: { status: 'Failed', attempt, cause, reason, retryAt },
      }));
    }
    case 'SagaCompleted':
      return { status: 'Completed', facts, steps };
    case 'SagaFailed':
      return {
        status: 'Failed',
        facts,
        steps,
        error: event.data.error,
        compensated: event.data.compensated,
        resolution: null,
      };
    case 'SagaParked': {
      const { step, reason, phase, error } = event.data;
      return { status: 'Parked', facts, steps, error, parked: { step, reason, phase } };
    }
    case 'SagaRetried': {
      if (state.status !== 'Parked') return state;
      if (state.parked.phase === 'running') {
        // The step it parked on, out of attempts, gets one more, due now.
        const retried = withStep(state, state.parked.step ?? '', (step) =>
          step.action.status === 'Failed' && step.action.retryAt === null
            ? { ...step, action: { ...step.action, retryAt: event.data.at } }
            : step,
        );
        return { status: 'Running', facts, steps: retried.steps };
      }
      return resumeCompensation(state, event.data);
    }
    case 'SagaAborted': {
      const { actor, reason } = event.data;
      if (state.status === 'Running') {
        return { status: 'Compensating', facts, steps, error: aborted(actor, reason) };
      }
      if (state.status !== 'Parked') return state;
      // Parked going forward: undo what it did. Parked undoing: undo the rest, with fresh attempts.
      if (state.parked.phase === 'running') {
        return { status: 'Compensating', facts, steps, error: aborted(actor, reason) };
      }
      return resumeCompensation(state, event.data);
    }
    case 'SagaResolved': {
      if (state.status !== 'Parked') return state;
      const { actor, reason } = event.data;
      return {
        status: 'Failed',
        facts,
        steps,
        error: state.error ?? aborted(actor, reason),
        compensated: compensatedSteps(steps),
        resolution: event.data,
      };
    }
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

/** Names of the compensated steps in the order their compensations ran (reverse plan order). */
export function compensatedSteps(steps: readonly StepState[]): string[] {
  return steps
    .filter((step) => step.compensation.status === 'Compensated')
    .map((step) => step.plan.name)
    .reverse();
}

function withStep<State extends StartedSagaState>(
  state: State,
  name: string,
  change: (step: StepState) => StepState,
): State {
  return {
    ...state,
    steps: state.steps.map((step) => (step.plan.name === name ? change(step) : step)),
  };
}

function aborted(actor: string, reason: string): SagaError {
  return { kind: 'aborted', actor, reason, errorKind: 'aborted' };
}

/** A saga parked while undoing goes on undoing: the compensation that ran out gets a new round. */
function resumeCompensation(
  state: Extract<SagaState, { status: 'Parked' }>,
  { actor, reason }: { actor: string; reason: string },
): SagaState {
  const reset = withStep(state, state.parked.step ?? '', (step) =>
    step.compensation.status === 'Failed'
      ? { ...step, compensation: { status: 'Registered' } }
      : step,
  );
  return {
    status: 'Compensating',
    facts: state.facts,
    steps: reset.steps,
    error: state.error ?? aborted(actor, reason),
  };
}
