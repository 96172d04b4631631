import { boundText, quote } from './error-text';
import {
  AbortedError,
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
} from './loom-errors';

const long = 'x'.repeat(40_000);

describe('quote', () => {
  it('quotes a value of up to 64 characters whole', () => {
    expect(quote('swp1')).toBe('"swp1"');
    expect(quote('a'.repeat(64))).toBe(`"${'a'.repeat(64)}"`);
  });

  it('cuts a longer value to its first 64 characters and says how long it was', () => {
    expect(quote(long)).toBe(`"${'x'.repeat(64)}…" (40000 characters)`);
    expect(quote('a'.repeat(65))).toBe(`"${'a'.repeat(64)}…" (65 characters)`);
  });
});

describe('boundText', () => {
  it('keeps a text up to the limit and cuts a longer one, with its length', () => {
    expect(boundText('short')).toBe('short');
    expect(boundText('abcdef', 3)).toBe('abc… (6 characters)');
    expect(boundText(long)).toHaveLength(512 + '… (40000 characters)'.length);
  });
});

describe('errors bound every text they hold', () => {
  it('InvalidArgumentError: each field and description, and at most 16 violations', () => {
    const many = Array.from({ length: 10_000 }, (_, index) => ({
      field: 'update_mask',
      description: `${quote(long)} is not field ${index}`,
    }));
    const error = new InvalidArgumentError([{ field: long, description: long }, ...many]);
    expect(error.violations).toHaveLength(16);
    for (const { field, description } of error.violations) {
      expect(field.length).toBeLessThan(600);
      expect(description.length).toBeLessThan(600);
    }
    expect(error.message.length).toBeLessThan(2100);
    expect(error.message).toContain(`${'x'.repeat(64)}…" (40000 characters)`);
  });

  it('InvalidArgumentError: counts the violations it leaves out in its message', () => {
    const violations = Array.from({ length: 20 }, (_, index) => ({
      field: `f${index}`,
      description: 'is wrong',
    }));
    const error = new InvalidArgumentError(violations);
    expect(error.violations.map((violation) => violation.field)).toEqual(
      violations.slice(0, 16).map((violation) => violation.field),
    );
    expect(error.message).toMatch(/; f15: is wrong; and 4 more$/);
  });

  it('keeps the texts of a normal error as they are', () => {
    const error = new InvalidArgumentError([
      { field: 'vpc_id', description: 'must be lower-case' },
    ]);
    expect(error.message).toBe('vpc_id: must be lower-case');
    expect(error.violations).toEqual([{ field: 'vpc_id', description: 'must be lower-case' }]);
  });

  it.each([
    ['NotFoundError', () => new NotFoundError(long), ['resourceName']],
    ['AlreadyExistsError', () => new AlreadyExistsError(long), ['resourceName']],
    [
      'FailedPreconditionError',
      () => new FailedPreconditionError(long, long, long),
      ['subject', 'type', 'description'],
    ],
    ['AbortedError', () => new AbortedError('ETAG_MISMATCH', long, long), ['resourceName']],
    [
      'ResourceExhaustedError',
      () => new ResourceExhaustedError(long, long),
      ['subject', 'description'],
    ],
    ['PermissionDeniedError', () => new PermissionDeniedError(long), []],
  ] as const)('%s', (_name, make, fields) => {
    const error = make() as unknown as Error & Record<string, string>;
    expect(error.message.length).toBeLessThan(2100);
    for (const field of fields) expect(error[field]?.length).toBeLessThan(600);
  });
});
