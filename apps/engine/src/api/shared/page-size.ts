import { InvalidArgumentError } from '@loom/errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** AIP-158: 0 means the default, more than the maximum means the maximum, negative is an error. */
export function normalizePageSize(pageSize: number): number {
  if (!Number.isInteger(pageSize) || pageSize < 0) {
    throw new InvalidArgumentError([
      { field: 'page_size', description: 'must be 0 (the default, 50) or a positive number' },
    ]);
  }
  if (pageSize === 0) return DEFAULT_PAGE_SIZE;
  return Math.min(pageSize, MAX_PAGE_SIZE);
}
