const notYet = Symbol('not yet');

/**
 * Cuts a stream of items into batches without waiting to fill them: a batch waits for its first
 * item, then takes only items that are already available. A busy log gives full batches (few
 * transactions); a quiet one gives an item its own batch at once (low latency).
 */
export class EventBatcher<T> {
  /** A next() that lost the race against the batch's end; the following batch starts with it. */
  private pending: Promise<IteratorResult<T>> | undefined;
  private ended = false;

  constructor(
    private readonly source: AsyncIterator<T>,
    private readonly maxSize: number,
  ) {
    if (!Number.isSafeInteger(maxSize) || maxSize < 1) {
      throw new Error(`batch size must be an integer >= 1, got ${maxSize}`);
    }
  }

  /** The next batch; empty once the source has ended. A failing source rejects. */
  async next(): Promise<T[]> {
    const batch: T[] = [];
    while (batch.length < this.maxSize && !this.ended) {
      const pending = this.pending ?? this.source.next();
      this.pending = pending;
      const result = batch.length === 0 ? await pending : await availableNow(pending);
      if (result === notYet) break;
      this.pending = undefined;
      if (result.done === true) this.ended = true;
      else batch.push(result.value);
    }
    return batch;
  }
}

/**
 * The promise's result if it settles before the event loop turns (items buffered in the source
 * resolve within microtasks), else `notYet`. Racing also marks a later rejection as handled.
 */
function availableNow<R>(promise: Promise<R>): Promise<R | typeof notYet> {
  return Promise.race([
    promise,
    new Promise<typeof notYet>((resolve) =>
      setImmediate(() => {
        resolve(notYet);
      }),
    ),
  ]);
}
