import {
  at,
  compensated,
  compensationFailed,
  compensationStarted,
  plan,
  sagaId,
  started,
  stepFailed,
  stepNames,
  stepStarted,
  succeeded,
} from '../testing/saga-fixtures';
import { givenSaga } from '../testing/saga-specification';
import { backoffMs } from './backoff';
import type { SagaEvent } from './saga.events';

const [reserve, createVrf, bind, announce] = stepNames;
const ms = (seconds: number, extraMs: number) =>
  new Date(Date.parse(at(seconds)) + extraMs).toISOString();
const run = (step: string, attempt: number) => ({
  type: 'RunStep' as const,
  step,
  attempt,
  idempotencyKey: `${sagaId}:${step}`,
  timeoutMs: 5000,
});
const compensate = (step: string, attempt: number) => ({
  type: 'CompensateStep' as const,
  step,
  attempt,
  idempotencyKey: `${sagaId}:${step}:compensate`,
  timeoutMs: 4000,
});
const outOfRetries = (step: string): SagaEvent[] => [
  stepStarted(step, 1),
  stepFailed(step, 1, ms(2, 100)),
  stepStarted(step, 2),
  stepFailed(step, 2, ms(2, 200)),
  stepStarted(step, 3),
  stepFailed(step, 3, null),
];

describe('next command', () => {
  it("parks a step that parks when out of attempts, and retries it from there on the operator's word", () => {
    const { data } = started as Extract<SagaEvent, { type: 'SagaStarted' }>;
    const parking: SagaEvent = {
      type: 'SagaStarted',
      data: {
        ...data,
        steps: stepNames.map((name) =>
          name === createVrf ? { ...plan(name), onExhausted: 'park' as const } : plan(name),
        ),
      },
    };
    const exhausted = [parking, ...succeeded(reserve), ...outOfRetries(createVrf)];
    const given = givenSaga(exhausted);
    expect(given.state.status).toBe('Running');
    given.next(at(3)).is({
      type: 'ParkSaga',
      step: createVrf,
      reason: `step ${createVrf} failed 3 time(s), the last with error: ${createVrf} broke`,
    });
    const parked: SagaEvent = {
      type: 'SagaParked',
      data: { step: createVrf, reason: 'out', phase: 'running', error: null, at: at(3) },
    };
    const operator = { actor: 'ops:alice', reason: 'switch rebooted', at: at(4) };
    givenSaga([...exhausted, parked])
      .next(at(5))
      .is({ type: 'Nothing', status: 'Parked' });
    // Retried: one more attempt of the same step, due at once; no compensation ran.
    givenSaga([...exhausted, parked, { type: 'SagaRetried', data: operator }])
      .next(at(4))
      .is(run(createVrf, 4));
    // Aborted instead: what it did is undone, the failed step's compensation first.
    givenSaga([...exhausted, parked, { type: 'SagaAborted', data: operator }])
      .next(at(4))
      .is(compensate(createVrf, 1));
  });

  it('undoes instead when the last failure was recorded as one that does not park (parkWhen said no)', () => {
    const { data } = started as Extract<SagaEvent, { type: 'SagaStarted' }>;
    const parking: SagaEvent = {
      type: 'SagaStarted',
      data: {
        ...data,
        steps: stepNames.map((name) =>
          name === createVrf ? { ...plan(name), onExhausted: 'park' as const } : plan(name),
        ),
      },
    };
    const refused = outOfRetries(createVrf).map((event) =>
      event.type === 'SagaStepFailed' && event.data.retryAt === null
        ? { ...event, data: { ...event.data, parks: false as const } }
        : event,
    );
    const given = givenSaga([parking, ...succeeded(reserve), ...refused]);
    expect(given.state.status).toBe('Compensating');
    given.next(at(3)).is(compensate(createVrf, 1));
  });

  it('starts an empty stream, then runs the steps in order, then completes', () => {
    givenSaga([]).next(at(0)).is({ type: 'StartSaga' });
    givenSaga([started]).next(at(0)).is(run(reserve, 1));
    givenSaga([started, ...succeeded(reserve)])
      .next(at(2))
      .is(run(createVrf, 1));
    givenSaga([started, ...succeeded(...stepNames)])
      .next(at(3))
      .is({ type: 'CompleteSaga' });
    const completed: SagaEvent = { type: 'SagaCompleted', data: { results: {}, at: at(3) } };
    givenSaga([started, ...succeeded(...stepNames), completed])
      .next(at(4))
      .is({ type: 'Nothing', status: 'Completed' });
  });

  it("skips a step when the definition's predicate says so, given the input and earlier results", () => {
    const shouldSkip = (step: string, input: unknown, results: Readonly<Record<string, unknown>>) =>
      step === bind && (input as { vpc: string }).vpc === 'blue' && createVrf in results;
    givenSaga([started, ...succeeded(reserve)])
      .next(at(2), { shouldSkip })
      .is(run(createVrf, 1));
    givenSaga([started, ...succeeded(reserve, createVrf)])
      .next(at(2), { shouldSkip })
      .is({ type: 'SkipStep', step: bind });
    givenSaga([
      started,
      ...succeeded(reserve, createVrf),
      { type: 'SagaStepSkipped', data: { step: bind, at: at(2) } },
    ])
      .next(at(2))
      .is(run(announce, 1));
  });

  it('waits out the backoff, then runs the next attempt with the same idempotency key', () => {
    const failedOnce = [started, stepStarted(reserve, 1), stepFailed(reserve, 1, ms(2, 100))];
    givenSaga(failedOnce)
      .next(ms(2, 50))
      .is({ type: 'Wait', until: ms(2, 100) });
    givenSaga(failedOnce).next(ms(2, 100)).is(run(reserve, 2));
  });

  it('doubles backoffs up to the cap', () => {
    const policy = { maxAttempts: 10, initialBackoffMs: 100, maxBackoffMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(attempt, policy))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('records an attempt that was started and never recorded as interrupted', () => {
    givenSaga([started, stepStarted(reserve, 1)])
      .next(at(9))
      .is({ type: 'RecordInterruption', of: 'action', step: reserve, attempt: 1 });
    givenSaga([started, ...outOfRetries(reserve), compensationStarted(reserve, 1)])
      .next(at(9))
      .is({ type: 'RecordInterruption', of: 'compensation', step: reserve, attempt: 1 });
  });

  it('compensates the failed step and every completed step, newest first, never the untouched ones', () => {
    const failing = [started, ...succeeded(reserve, createVrf), ...outOfRetries(bind)];
    givenSaga(failing).next(at(3)).is(compensate(bind, 1));
    const bindUndone = [...failing, compensationStarted(bind, 1), compensated(bind)];
    givenSaga(bindUndone).next(at(4)).is(compensate(createVrf, 1));
    const vrfUndone = [...bindUndone, compensationStarted(createVrf, 1), compensated(createVrf)];
    givenSaga(vrfUndone).next(at(4)).is(compensate(reserve, 1));
    const allUndone = [...vrfUndone, compensationStarted(reserve, 1), compensated(reserve)];
    givenSaga(allUndone)
      .next(at(4))
      .is({
        type: 'FailSaga',
        error: {
          kind: 'step-failed',
          step: bind,
          attempt: 3,
          cause: 'error',
          reason: `${bind} broke`,
          errorKind: 'internal',
        },
      });
  });

  it('does not compensate a skipped step', () => {
    const failing = [
      started,
      { type: 'SagaStepSkipped', data: { step: reserve, at: at(1) } } as const,
      ...outOfRetries(createVrf),
      compensationStarted(createVrf, 1),
      compensated(createVrf),
    ];
    givenSaga(failing)
      .next(at(5))
      .is({ type: 'FailSaga', error: expect.objectContaining({ step: createVrf }) as never });
  });

  it('retries a failed compensation after its backoff, and parks once it is out of retries', () => {
    const failing = [
      started,
      ...succeeded(reserve),
      ...outOfRetries(createVrf),
      compensationStarted(createVrf, 1),
    ];
    const failedOnce = [...failing, compensationFailed(createVrf, 1, at(5))];
    givenSaga(failedOnce)
      .next(at(4))
      .is({ type: 'Wait', until: at(5) });
    givenSaga(failedOnce).next(at(5)).is(compensate(createVrf, 2));
    givenSaga([
      ...failedOnce,
      compensationStarted(createVrf, 2, at(5)),
      compensationFailed(createVrf, 2, null),
    ])
      .next(at(6))
      .is({
        type: 'ParkSaga',
        step: createVrf,
        reason: `compensation of step ${createVrf} failed 2 time(s), the last with error: undo ${createVrf} broke`,
      });
  });

  it('undoes an aborted saga: an action in flight is recorded as interrupted before anything is compensated', () => {
    const aborted: SagaEvent = {
      type: 'SagaAborted',
      data: { actor: 'alice', reason: 'maintenance', at: at(2) },
    };
    givenSaga([started, ...succeeded(reserve), stepStarted(createVrf, 1), aborted])
      .next(at(3))
      .is({ type: 'RecordInterruption', of: 'action', step: createVrf, attempt: 1 });
    givenSaga([
      started,
      ...succeeded(reserve),
      stepStarted(createVrf, 1),
      aborted,
      stepFailed(createVrf, 1, null, 'interrupted'),
    ])
      .next(at(3))
      .is(compensate(createVrf, 1));
    // Aborted while waiting out a retry: the retry is dropped, the started step is undone.
    givenSaga([started, stepStarted(reserve, 1), stepFailed(reserve, 1, ms(2, 100)), aborted])
      .next(at(1))
      .is(compensate(reserve, 1));
    // Aborted before any step started: nothing to undo.
    givenSaga([started, aborted])
      .next(at(3))
      .is({
        type: 'FailSaga',
        error: { kind: 'aborted', actor: 'alice', reason: 'maintenance', errorKind: 'aborted' },
      });
  });

  it('does nothing for a parked or failed saga', () => {
    const parked: SagaEvent = {
      type: 'SagaParked',
      data: { step: reserve, reason: 'stuck', phase: 'compensating', error: null, at: at(5) },
    };
    givenSaga([started, ...outOfRetries(reserve), parked])
      .next(at(6))
      .is({ type: 'Nothing', status: 'Parked' });
    const failed: SagaEvent = {
      type: 'SagaFailed',
      data: {
        error: { kind: 'aborted', actor: 'a', reason: 'r', errorKind: 'aborted' },
        compensated: [],
        at: at(5),
      },
    };
    givenSaga([started, failed]).next(at(6)).is({ type: 'Nothing', status: 'Failed' });
  });
});
