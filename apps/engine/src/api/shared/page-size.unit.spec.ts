import { InvalidArgumentError } from '@loom/errors';
import { normalizePageSize } from './page-size';

describe('normalizePageSize', () => {
  it('gives 50 for 0, keeps 1-1000 and caps larger sizes at 1000', () => {
    expect(normalizePageSize(0)).toBe(50);
    expect(normalizePageSize(1)).toBe(1);
    expect(normalizePageSize(1000)).toBe(1000);
    expect(normalizePageSize(1001)).toBe(1000);
    expect(normalizePageSize(2_147_483_647)).toBe(1000);
  });

  it('refuses a negative size on page_size', () => {
    expect(() => normalizePageSize(-1)).toThrow(InvalidArgumentError);
    expect(() => normalizePageSize(-1)).toThrow(/^page_size: /);
  });
});
