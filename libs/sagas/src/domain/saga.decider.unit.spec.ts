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
  stepSucceeded,
  succeeded,
} from '../testing/saga-fixtures';
import { givenSaga } from '../testing/saga-specification';
import { sagaOutcome } from './saga-outcome';
import type { SagaEvent } from './saga.events';

const [reserve, createVrf, bind, announce] = stepNames;
const ms = (seconds: number, extraMs: number) =>
  new Date(Date.parse(at(seconds)) + extraMs).toISOString();
const failedFinal = (step: string) => [
  stepStarted(step, 1),
  stepFailed(step, 1, ms(2, 100)),
  stepStarted(step, 2, ms(2, 100)),
  stepFailed(step, 2, ms(2, 200)),
  stepStarted(step, 3, ms(2, 200)),
  stepFailed(step, 3, null),
];

describe('saga decider', () => {
  it('starts a saga once, recording the plan; a second start of the same saga decides nothing', () => {
    const start = {
      type: 'StartSaga',
      sagaId,
      sagaType: 'create-vpc',
      resourceKey: 'vpc/blue',
      input: { vpc: 'blue' },
      steps: stepNames.map(plan),
      at: at(0),
    } as const;
    givenSaga([]).when(start).then([started]);
    givenSaga([started]).when(start).then([]);
    givenSaga([started])
      .when({ ...start, sagaId: 'other' })
      .thenRejects('ALREADY_STARTED');
    givenSaga([])
      .when({ type: 'CompleteSaga', at: at(1) })
      .thenRejects('NOT_STARTED');
  });

  it('registers the compensation with the attempt, before the action runs', () => {
    givenSaga([started])
      .when({ type: 'StartStep', step: reserve, attempt: 1, at: at(1) })
      .then([stepStarted(reserve, 1)])
      .when({
        type: 'RecordStepSuccess',
        step: reserve,
        attempt: 1,
        result: { vni: 10042 },
        at: at(2),
      })
      .then([stepSucceeded(reserve, 1, { vni: 10042 })]);
    const state = givenSaga([started, stepStarted(reserve, 1)]).state;
    expect(state.status === 'Running' && state.steps[0]?.compensation).toEqual({
      status: 'Registered',
    });
  });

  it('only runs the current step, with the next attempt number', () => {
    const given = givenSaga([started]);
    given
      .when({ type: 'StartStep', step: createVrf, attempt: 1, at: at(1) })
      .thenRejects('NOT_CURRENT_STEP');
    given
      .when({ type: 'StartStep', step: 'no-such-step', attempt: 1, at: at(1) })
      .thenRejects('UNKNOWN_STEP');
    given
      .when({ type: 'StartStep', step: reserve, attempt: 2, at: at(1) })
      .thenRejects('WRONG_ATTEMPT');
    givenSaga([started, stepStarted(reserve, 1)])
      .when({ type: 'StartStep', step: reserve, attempt: 2, at: at(1) })
      .thenRejects('WRONG_ATTEMPT', /cannot start another attempt \(inflight\)/);
    givenSaga([started, stepStarted(reserve, 1)])
      .when({ type: 'RecordStepSuccess', step: reserve, attempt: 2, result: null, at: at(2) })
      .thenRejects('WRONG_ATTEMPT', /no attempt 2 in flight/);
  });

  it('schedules retries with a doubling, capped backoff and gives up after the last attempt', () => {
    const fail = (attempt: number, when: string) =>
      ({
        type: 'RecordStepFailure',
        step: reserve,
        attempt,
        cause: 'error',
        reason: `${reserve} broke`,
        errorKind: 'internal',
        at: when,
      }) as const;
    givenSaga([started, stepStarted(reserve, 1)])
      .when(fail(1, at(2)))
      .then([stepFailed(reserve, 1, ms(2, 100))])
      .when({ type: 'StartStep', step: reserve, attempt: 2, at: ms(2, 99) })
      .thenRejects('TOO_EARLY');
    givenSaga([started, stepStarted(reserve, 1), stepFailed(reserve, 1, ms(2, 100))])
      .when({ type: 'StartStep', step: reserve, attempt: 2, at: ms(2, 100) })
      .then([stepStarted(reserve, 2, ms(2, 100))])
      .when(fail(2, at(2)))
      // 100 ms doubled, capped at 150 ms.
      .then([stepFailed(reserve, 2, ms(2, 150))]);
    const final = givenSaga([...[started], ...failedFinal(reserve).slice(0, 5)]).when(
      fail(3, at(2)),
    );
    final.then([stepFailed(reserve, 3, null)]);
  });

  it('turns a step out of retries into compensation with the original error', () => {
    const state = givenSaga([started, ...failedFinal(reserve)]).state;
    expect(state).toMatchObject({
      status: 'Compensating',
      error: {
        kind: 'step-failed',
        step: reserve,
        attempt: 3,
        cause: 'error',
        reason: `${reserve} broke`,
        errorKind: 'internal',
      },
    });
  });

  it('records a timeout as a failure whose compensation still runs', () => {
    givenSaga([started, ...succeeded(reserve), stepStarted(createVrf, 1)])
      .when({
        type: 'RecordStepFailure',
        step: createVrf,
        attempt: 1,
        cause: 'timeout',
        reason: 'no outcome within 5000 ms',
        errorKind: 'unavailable',
        at: at(2),
      })
      .then([
        {
          type: 'SagaStepFailed',
          data: {
            step: createVrf,
            attempt: 1,
            cause: 'timeout',
            reason: 'no outcome within 5000 ms',
            errorKind: 'unavailable',
            retryAt: ms(2, 100),
            at: at(2),
          },
        },
      ]);
  });

  it('compensates newest first, then fails with the error and the compensated steps', () => {
    const failing = [started, ...succeeded(reserve, createVrf), ...failedFinal(bind)];
    givenSaga(failing)
      .when({ type: 'StartCompensation', step: reserve, attempt: 1, at: at(3) })
      .thenRejects('NOT_CURRENT_STEP');
    givenSaga(failing)
      .when({ type: 'StartCompensation', step: bind, attempt: 1, at: at(3) })
      .then([compensationStarted(bind, 1)])
      .when({ type: 'FailSaga', at: at(4) })
      .thenRejects('WORK_REMAINS', /step bind-vni is not compensated/);
    const undone = [
      ...failing,
      ...[bind, createVrf, reserve].flatMap((step) => [
        compensationStarted(step, 1),
        compensated(step, 1),
      ]),
    ];
    givenSaga(undone)
      .when({ type: 'FailSaga', at: at(5) })
      .then([
        {
          type: 'SagaFailed',
          data: {
            error: {
              kind: 'step-failed',
              step: bind,
              attempt: 3,
              cause: 'error',
              reason: `${bind} broke`,
              errorKind: 'internal',
            },
            compensated: [bind, createVrf, reserve],
            at: at(5),
          },
        },
      ]);
  });

  it('retries a failing compensation with backoff, then parks the saga with the reason', () => {
    const failing = [
      started,
      ...succeeded(reserve),
      ...failedFinal(createVrf),
      compensationStarted(createVrf, 1),
    ];
    givenSaga(failing)
      .when({
        type: 'RecordCompensationFailure',
        step: createVrf,
        attempt: 1,
        cause: 'error',
        reason: `undo ${createVrf} broke`,
        errorKind: 'internal',
        at: at(4),
      })
      .then([compensationFailed(createVrf, 1, at(5))])
      .when({ type: 'StartCompensation', step: createVrf, attempt: 2, at: at(5) })
      .then([compensationStarted(createVrf, 2, at(5))])
      .when({
        type: 'RecordCompensationFailure',
        step: createVrf,
        attempt: 2,
        cause: 'error',
        reason: `undo ${createVrf} broke`,
        errorKind: 'internal',
        at: at(4),
      })
      .then([compensationFailed(createVrf, 2, null)])
      .when({ type: 'ParkSaga', step: createVrf, reason: 'out of retries', at: at(6) })
      .then([
        {
          type: 'SagaParked',
          data: {
            step: createVrf,
            reason: 'out of retries',
            phase: 'compensating',
            error: {
              kind: 'step-failed',
              step: createVrf,
              attempt: 3,
              cause: 'error',
              reason: `${createVrf} broke`,
              errorKind: 'internal',
            },
            at: at(6),
          },
        },
      ]);
  });

  it('records an interrupted attempt; once undoing, a failed attempt is not retried', () => {
    givenSaga([started, stepStarted(reserve, 1)])
      .when({
        type: 'RecordStepFailure',
        step: reserve,
        attempt: 1,
        cause: 'interrupted',
        reason: 'worker died',
        errorKind: 'unavailable',
        at: at(2),
      })
      .then([
        {
          type: 'SagaStepFailed',
          data: {
            step: reserve,
            attempt: 1,
            cause: 'interrupted',
            reason: 'worker died',
            errorKind: 'unavailable',
            retryAt: ms(2, 100),
            at: at(2),
          },
        },
      ]);
    const aborted: SagaEvent = {
      type: 'SagaAborted',
      data: { actor: 'alice', reason: 'maintenance', at: at(2) },
    };
    givenSaga([started, stepStarted(reserve, 1), aborted])
      .when({ type: 'RecordStepSuccess', step: reserve, attempt: 1, result: null, at: at(3) })
      .thenRejects('WRONG_STATUS', /is compensating/);
    givenSaga([started, stepStarted(reserve, 1), aborted])
      .when({
        type: 'RecordStepFailure',
        step: reserve,
        attempt: 1,
        cause: 'interrupted',
        reason: 'worker died',
        errorKind: 'unavailable',
        at: at(3),
      })
      .then([
        {
          type: 'SagaStepFailed',
          data: {
            step: reserve,
            attempt: 1,
            cause: 'interrupted',
            reason: 'worker died',
            errorKind: 'unavailable',
            retryAt: null,
            at: at(3),
          },
        },
      ]);
  });

  it("does not let interruptions use up a step's retries: its last attempt, interrupted, runs again", () => {
    // The policy allows 3 attempts: the third failing with an error ends the step's retries...
    const lastAttempt = failedFinal(reserve).slice(0, 5);
    const failure = {
      type: 'RecordStepFailure',
      step: reserve,
      attempt: 3,
      reason: 'worker died',
      errorKind: 'unavailable',
      at: at(4),
    } as const;
    givenSaga([started, ...lastAttempt])
      .when({ ...failure, cause: 'error' })
      .then([
        {
          type: 'SagaStepFailed',
          data: {
            step: reserve,
            attempt: 3,
            cause: 'error',
            reason: 'worker died',
            errorKind: 'unavailable',
            retryAt: null,
            at: at(4),
          },
        },
      ]);
    // ... the third interrupted (its worker stopped) is retried: the step said nothing.
    givenSaga([started, ...lastAttempt])
      .when({ ...failure, cause: 'interrupted' })
      .then([
        {
          type: 'SagaStepFailed',
          data: {
            step: reserve,
            attempt: 3,
            cause: 'interrupted',
            reason: 'worker died',
            errorKind: 'unavailable',
            retryAt: ms(4, 150),
            at: at(4),
          },
        },
      ]);
  });

  it('completes only when every step succeeded or was skipped, with their results', () => {
    givenSaga([started, ...succeeded(reserve, createVrf, bind)])
      .when({ type: 'CompleteSaga', at: at(9) })
      .thenRejects('WORK_REMAINS', /announce-evpn/);
    givenSaga([
      started,
      ...succeeded(reserve, createVrf, bind),
      { type: 'SagaStepSkipped', data: { step: announce, at: at(3) } },
    ])
      .when({ type: 'CompleteSaga', at: at(9) })
      .then([
        {
          type: 'SagaCompleted',
          data: {
            results: {
              [reserve]: { of: reserve },
              [createVrf]: { of: createVrf },
              [bind]: { of: bind },
            },
            at: at(9),
          },
        },
      ]);
    givenSaga([started, stepStarted(reserve, 1)])
      .when({ type: 'SkipStep', step: reserve, at: at(2) })
      .thenRejects('WRONG_ATTEMPT', /already started/);
  });

  describe('operator actions', () => {
    const parked: SagaEvent[] = [
      started,
      ...succeeded(reserve),
      ...failedFinal(createVrf),
      compensationStarted(createVrf, 1),
      compensationFailed(createVrf, 1, at(5)),
      compensationStarted(createVrf, 2, at(5)),
      compensationFailed(createVrf, 2, null),
      {
        type: 'SagaParked',
        data: {
          step: createVrf,
          reason: 'out of retries',
          phase: 'compensating',
          error: {
            kind: 'step-failed',
            step: createVrf,
            attempt: 3,
            cause: 'error',
            reason: `${createVrf} broke`,
            errorKind: 'internal',
          },
          at: at(6),
        },
      },
    ];
    const operator = { actor: 'alice', reason: 'switch replaced', at: at(7) };

    it('aborts a running saga into compensation; a finished one cannot be aborted', () => {
      const given = givenSaga([started, ...succeeded(reserve)])
        .when({ type: 'AbortSaga', ...operator })
        .then([{ type: 'SagaAborted', data: operator }]);
      expect(given.state).toMatchObject({
        status: 'Compensating',
        error: { kind: 'aborted', actor: 'alice' },
      });
      givenSaga([...parked, { type: 'SagaResolved', data: operator }])
        .when({ type: 'AbortSaga', ...operator })
        .thenRejects('WRONG_STATUS', /only a running or parked saga/);
    });

    it('aborts a saga parked while undoing: a fresh round for the compensation it ran out of', () => {
      const given = givenSaga(parked)
        .when({ type: 'AbortSaga', ...operator })
        .then([{ type: 'SagaAborted', data: operator }]);
      expect(given.state).toMatchObject({
        status: 'Compensating',
        error: { kind: 'step-failed', step: createVrf },
      });
      given
        .when({ type: 'StartCompensation', step: createVrf, attempt: 1, at: at(8) })
        .then([compensationStarted(createVrf, 1, at(8))]);
    });

    it('retries a parked saga with a fresh round of compensation attempts', () => {
      const given = givenSaga(parked)
        .when({ type: 'RetrySaga', ...operator })
        .then([{ type: 'SagaRetried', data: operator }]);
      expect(given.state.status).toBe('Compensating');
      given
        .when({ type: 'StartCompensation', step: createVrf, attempt: 1, at: at(8) })
        .then([compensationStarted(createVrf, 1, at(8))]);
      givenSaga([started])
        .when({ type: 'RetrySaga', ...operator })
        .thenRejects('WRONG_STATUS', /only a parked saga/);
    });

    it('resolves a parked saga: it ends failed, with the original error and the resolution', () => {
      const given = givenSaga(parked)
        .when({ type: 'ResolveSaga', ...operator })
        .then([{ type: 'SagaResolved', data: operator }]);
      expect(sagaOutcome(given.state)).toEqual({
        status: 'failed',
        error: {
          kind: 'step-failed',
          step: createVrf,
          attempt: 3,
          cause: 'error',
          reason: `${createVrf} broke`,
          errorKind: 'internal',
        },
        message: `step ${createVrf} failed on attempt 3: ${createVrf} broke`,
        compensated: [],
        resolution: operator,
      });
      givenSaga(parked)
        .when({ type: 'CompleteSaga', at: at(8) })
        .thenRejects('WRONG_STATUS');
    });

    it('returns a saga parked while running forward to running', () => {
      const given = givenSaga([
        started,
        {
          type: 'SagaParked',
          data: {
            step: reserve,
            reason: 'no such step in this build',
            phase: 'running',
            error: null,
            at: at(1),
          },
        },
      ])
        .when({ type: 'RetrySaga', ...operator })
        .then([{ type: 'SagaRetried', data: operator }]);
      expect(given.state.status).toBe('Running');
    });

    it('aborts a saga parked while running forward: what it did is undone', () => {
      const given = givenSaga([
        started,
        ...succeeded(reserve),
        {
          type: 'SagaParked',
          data: {
            step: null,
            reason: 'no such step in this build',
            phase: 'running',
            error: null,
            at: at(1),
          },
        },
      ])
        .when({ type: 'AbortSaga', ...operator })
        .then([{ type: 'SagaAborted', data: operator }]);
      expect(given.state).toMatchObject({
        status: 'Compensating',
        error: { kind: 'aborted', actor: 'alice' },
      });
    });
  });

  it('reports outcomes: completed with results, failed with the error, parked with the reason', () => {
    expect(sagaOutcome(givenSaga([started]).state)).toBeUndefined();
    expect(
      sagaOutcome(
        givenSaga([
          started,
          ...succeeded(...stepNames),
          { type: 'SagaCompleted', data: { results: {}, at: at(9) } },
        ]).state,
      ),
    ).toEqual({
      status: 'completed',
      results: Object.fromEntries(stepNames.map((step) => [step, { of: step }])),
    });
    const aborted = givenSaga([
      started,
      { type: 'SagaAborted', data: { actor: 'bob', reason: 'wrong VPC', at: at(1) } },
      {
        type: 'SagaFailed',
        data: {
          error: { kind: 'aborted', actor: 'bob', reason: 'wrong VPC', errorKind: 'aborted' },
          compensated: [],
          at: at(2),
        },
      },
    ]);
    expect(sagaOutcome(aborted.state)).toMatchObject({
      status: 'failed',
      message: 'aborted by bob: wrong VPC',
    });
  });
});
