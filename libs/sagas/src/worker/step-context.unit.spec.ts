import { nextCommand } from '../domain/next-command';
import type { SagaCommand } from '../domain/saga.commands';
import { foldSaga, sagaDecider } from '../domain/saga.decider';
import type { SagaEvent } from '../domain/saga.events';
import { sagaId, started, stepNames } from '../testing/saga-fixtures';
import { stepContext } from './step-context';

const [reserve] = stepNames;
const signal = new AbortController().signal;

/**
 * Drives a saga whose first step always fails, through the decider and nextCommand as a worker
 * does, and keeps what each attempt's StepContext carried: the actions run out of retries, then
 * the step's compensation fails until the saga parks.
 */
function attemptsOfAFailingStep() {
  const events: SagaEvent[] = [started];
  const seen: {
    of: string;
    attempt: number;
    idempotencyKey: string;
    registered: string | undefined;
  }[] = [];
  let now = Date.parse('2030-01-01T00:00:00.000Z');
  const decide = (command: SagaCommand) => {
    const decided = sagaDecider.decide(command, foldSaga(events));
    events.push(...decided);
    return decided;
  };
  for (let turn = 0; turn < 20; turn += 1) {
    now += 60_000;
    const at = new Date(now).toISOString();
    const state = foldSaga(events);
    const next = nextCommand(state, { now: new Date(now) });
    if (next.type === 'ParkSaga' || state.status === 'NotStarted') break;
    if (next.type !== 'RunStep' && next.type !== 'CompensateStep') {
      throw new Error(`unexpected ${next.type}`);
    }
    const context = stepContext(state, next, signal);
    const { step, attempt } = next;
    const reason = 'the switch said no';
    const failure = { step, attempt, cause: 'error', reason, errorKind: 'internal', at } as const;
    if (next.type === 'RunStep') {
      const [registration] = decide({ type: 'StartStep', step, attempt, at });
      const registered =
        registration?.type === 'SagaStepStarted' ? registration.data.idempotencyKey : undefined;
      seen.push({ of: 'action', attempt, idempotencyKey: context.idempotencyKey, registered });
      decide({ type: 'RecordStepFailure', ...failure });
    } else {
      const [registration] = decide({ type: 'StartCompensation', step, attempt, at });
      const registered =
        registration?.type === 'SagaCompensationStarted'
          ? registration.data.idempotencyKey
          : undefined;
      seen.push({
        of: 'compensation',
        attempt,
        idempotencyKey: context.idempotencyKey,
        registered,
      });
      decide({ type: 'RecordCompensationFailure', ...failure });
    }
  }
  return seen;
}

describe('step context', () => {
  it('gives every attempt of a step the same idempotency key, the one its registration recorded', () => {
    const action = `${sagaId}:${reserve}`;
    const compensation = `${sagaId}:${reserve}:compensate`;
    expect(attemptsOfAFailingStep()).toEqual([
      { of: 'action', attempt: 1, idempotencyKey: action, registered: action },
      { of: 'action', attempt: 2, idempotencyKey: action, registered: action },
      { of: 'action', attempt: 3, idempotencyKey: action, registered: action },
      { of: 'compensation', attempt: 1, idempotencyKey: compensation, registered: compensation },
      { of: 'compensation', attempt: 2, idempotencyKey: compensation, registered: compensation },
    ]);
  });

  it('carries the facts the saga started with and the results of the steps so far', () => {
    const state = foldSaga([
      started,
      ...([
        {
          type: 'SagaStepStarted',
          data: {
            step: reserve,
            attempt: 1,
            idempotencyKey: `${sagaId}:${reserve}`,
            compensationIdempotencyKey: `${sagaId}:${reserve}:compensate`,
            startedAt: '2030-01-01T00:00:01.000Z',
          },
        },
        {
          type: 'SagaStepSucceeded',
          data: { step: reserve, attempt: 1, result: { vni: 7 }, at: '2030-01-01T00:00:02.000Z' },
        },
      ] satisfies SagaEvent[]),
    ]);
    const next = nextCommand(state, { now: new Date('2030-01-01T00:00:03.000Z') });
    if (state.status === 'NotStarted' || next.type !== 'RunStep') throw new Error(next.type);
    expect(stepContext(state, next, signal)).toEqual({
      sagaId,
      sagaType: 'create-vpc',
      resourceKey: 'vpc/blue',
      input: { vpc: 'blue' },
      step: stepNames[1],
      results: { [reserve]: { vni: 7 } },
      idempotencyKey: `${sagaId}:${stepNames[1]}`,
      attempt: 1,
      signal,
    });
  });
});
