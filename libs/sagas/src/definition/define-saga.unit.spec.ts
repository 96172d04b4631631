import { defineSaga, planSteps } from './define-saga';
import { InvalidSagaDefinitionError, assertSagaId, InvalidSagaIdError } from './saga-names';

const noop = () => Promise.resolve(undefined);
const step = (name: string, extra: object = {}) => ({
  name,
  action: noop,
  compensation: noop,
  ...extra,
});

describe('saga definitions', () => {
  it('fills in default policies and records what the step set', () => {
    const definition = defineSaga({
      type: 'create-vpc',
      steps: [step('a'), step('b', { timeoutMs: 500, retry: { maxAttempts: 1 } })],
    });
    const [a, b] = planSteps(definition);
    expect(a).toEqual({
      name: 'a',
      timeoutMs: 30_000,
      retry: { maxAttempts: 3, initialBackoffMs: 200, maxBackoffMs: 10_000 },
      compensationTimeoutMs: 30_000,
      compensationRetry: { maxAttempts: 5, initialBackoffMs: 500, maxBackoffMs: 30_000 },
    });
    expect(b).toMatchObject({ timeoutMs: 500, retry: { maxAttempts: 1, initialBackoffMs: 200 } });
  });

  it('refuses definitions that could not run or would make ambiguous idempotency keys', () => {
    const invalid =
      (steps: object[], type = 'create-vpc') =>
      () =>
        defineSaga({ type, steps: steps as never });
    expect(invalid([])).toThrow(/has no steps/);
    expect(invalid([step('a'), step('a')])).toThrow(/listed twice/);
    expect(invalid([step('bind:vni')])).toThrow(InvalidSagaDefinitionError);
    expect(invalid([step('a', { retry: { maxAttempts: 0 } })])).toThrow(/maxAttempts/);
    expect(invalid([step('a', { timeoutMs: 0 })])).toThrow(/timeoutMs/);
    expect(invalid([step('a')], 'has space')).toThrow(/invalid saga type/);
  });

  it('accepts saga ids that are stream names without ":" or "/"', () => {
    expect(() => {
      assertSagaId('vpc-blue.create@2');
    }).not.toThrow();
    for (const bad of ['', 'a:b', 'a/b', '-a', 'x'.repeat(151), 42]) {
      expect(() => {
        assertSagaId(bad);
      }).toThrow(InvalidSagaIdError);
    }
  });
});
