import { InvalidArgumentError } from '@loom/network';
import { maxFilterLength, readFilterText } from './audit-filter-text';

describe('readFilterText', () => {
  it('leaves an empty filter out and passes a plain one through', () => {
    expect(readFilterText('', 'actor')).toBeUndefined();
    expect(readFilterText('portal:alice', 'actor')).toBe('portal:alice');
  });

  it('refuses a NUL character, naming the field (the fuzzer answered INTERNAL for it)', () => {
    // The fuzzer's case: ListChanges with correlation_id "\ufffd4\u0000".
    const refused = (): unknown => readFilterText('\ufffd4\u0000', 'correlation_id');
    expect(refused).toThrow(InvalidArgumentError);
    expect(refused).toThrow(
      expect.objectContaining({
        violations: [{ field: 'correlation_id', description: 'must not contain a NUL character' }],
      }) as Error,
    );
  });

  it('refuses a value longer than anything stored', () => {
    expect(readFilterText('x'.repeat(maxFilterLength), 'event_type')).toHaveLength(maxFilterLength);
    expect(() => readFilterText('x'.repeat(maxFilterLength + 1), 'event_type')).toThrow(
      /at most 1024 characters/,
    );
  });
});
