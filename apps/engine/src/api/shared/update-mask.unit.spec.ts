import { InvalidArgumentError } from '@loom/errors';
import { readUpdateMask } from './update-mask';

const updatable = ['display_name', 'quota'] as const;

function violations(read: () => unknown): readonly { field: string; description: string }[] {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as InvalidArgumentError).violations;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

describe('readUpdateMask', () => {
  it('reads the paths in both shapes, in the order of the updatable fields', () => {
    expect(readUpdateMask({ paths: ['quota', 'display_name'] }, updatable)).toEqual([
      'display_name',
      'quota',
    ]);
    expect(readUpdateMask(['quota'], updatable)).toEqual(['quota']);
  });

  it('accepts camelCase paths, duplicates, and * for every updatable field', () => {
    expect(readUpdateMask({ paths: ['displayName', 'display_name'] }, updatable)).toEqual([
      'display_name',
    ]);
    expect(readUpdateMask({ paths: ['*'] }, updatable)).toEqual(['display_name', 'quota']);
  });

  it('refuses unknown paths on update_mask, each named', () => {
    expect(
      violations(() => readUpdateMask({ paths: ['name', 'etag', 'quota'] }, updatable)),
    ).toEqual([
      { field: 'update_mask', description: expect.stringContaining('"name"') as unknown },
      { field: 'update_mask', description: expect.stringContaining('"etag"') as unknown },
    ]);
  });

  it('quotes a long path cut short', () => {
    const [violation] = violations(() =>
      readUpdateMask({ paths: ['x'.repeat(40_000)] }, updatable),
    );
    expect(violation?.description).toBe(
      `"${'x'.repeat(64)}…" (40000 characters) is not a field this method can update (updatable: display_name, quota)`,
    );
  });

  it('refuses an empty or missing mask rather than guessing', () => {
    for (const mask of [{ paths: [] }, [], null, undefined]) {
      expect(violations(() => readUpdateMask(mask, updatable))).toEqual([
        {
          field: 'update_mask',
          description: expect.stringContaining('display_name, quota') as unknown,
        },
      ]);
    }
  });
});
