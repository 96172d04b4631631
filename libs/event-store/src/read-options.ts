import { InvalidReadOptionsError } from './errors';
import type {
  EventFilter,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
} from './event-store.port';

const maxBatchSize = 10_000;

export function assertReadStreamOptions(options: ReadStreamOptions): void {
  // Callers outside TypeScript's reach (the API, scripts) can pass anything: check at run time.
  const direction: unknown = options.direction;
  const { fromRevision, maxCount } = options;
  if (direction !== undefined && direction !== 'forwards' && direction !== 'backwards') {
    throw new InvalidReadOptionsError(`direction must be 'forwards' or 'backwards'`);
  }
  if (fromRevision !== undefined && !(Number.isSafeInteger(fromRevision) && fromRevision >= 0)) {
    throw new InvalidReadOptionsError('fromRevision must be an integer >= 0');
  }
  if (maxCount !== undefined && !(Number.isSafeInteger(maxCount) && maxCount >= 1)) {
    throw new InvalidReadOptionsError('maxCount must be an integer >= 1');
  }
}

export function assertReadAllOptions(options: ReadAllOptions): void {
  const { after, batchSize, filter } = options;
  if (after !== undefined && (typeof after !== 'bigint' || after < 0n)) {
    throw new InvalidReadOptionsError('the position must be a bigint >= 0');
  }
  if (
    batchSize !== undefined &&
    !(Number.isSafeInteger(batchSize) && batchSize >= 1 && batchSize <= maxBatchSize)
  ) {
    throw new InvalidReadOptionsError(`batchSize must be an integer from 1 to ${maxBatchSize}`);
  }
  assertFilter(filter);
}

function assertFilter(filter: EventFilter | undefined): void {
  if (filter === undefined) return;
  for (const list of [filter.streamPrefixes, filter.eventTypes]) {
    if (
      list !== undefined &&
      !(Array.isArray(list) && list.every((item) => typeof item === 'string' && item.length > 0))
    ) {
      throw new InvalidReadOptionsError('filters must be lists of non-empty strings');
    }
  }
}

export function assertSubscribeOptions(options: SubscribeOptions): void {
  const { from } = options;
  if (from !== 'start' && from !== 'end' && !(typeof from === 'bigint' && from >= 0n)) {
    throw new InvalidReadOptionsError(`from must be 'start', 'end' or a position (a bigint >= 0)`);
  }
  assertReadAllOptions({
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.filter === undefined ? {} : { filter: options.filter }),
  });
}
