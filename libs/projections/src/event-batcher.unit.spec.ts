import { EventBatcher } from './event-batcher';

/** A source whose items arrive when the test pushes them, like a live subscription. */
class ManualSource implements AsyncIterator<number> {
  private readonly buffered: number[] = [];
  private waiting: ((result: IteratorResult<number>) => void) | undefined;
  private ended = false;

  push(...items: number[]): void {
    for (const item of items) {
      if (this.waiting) {
        const wake = this.waiting;
        this.waiting = undefined;
        wake({ done: false, value: item });
      } else this.buffered.push(item);
    }
  }

  end(): void {
    this.ended = true;
    this.waiting?.({ done: true, value: undefined });
  }

  next(): Promise<IteratorResult<number>> {
    const item = this.buffered.shift();
    if (item !== undefined) return Promise.resolve({ done: false, value: item });
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => (this.waiting = resolve));
  }
}

async function* generate(items: readonly number[]): AsyncGenerator<number> {
  for (const item of items) yield await Promise.resolve(item);
}

describe('EventBatcher', () => {
  it('fills batches up to the maximum from what is already available', async () => {
    const batcher = new EventBatcher(generate([1, 2, 3, 4, 5, 6, 7]), 3);
    expect(await batcher.next()).toEqual([1, 2, 3]);
    expect(await batcher.next()).toEqual([4, 5, 6]);
    expect(await batcher.next()).toEqual([7]);
    expect(await batcher.next()).toEqual([]);
  });

  it('does not wait to fill a batch: it ends the batch when the next item is not there yet', async () => {
    const source = new ManualSource();
    const batcher = new EventBatcher(source, 100);
    source.push(1, 2);
    expect(await batcher.next()).toEqual([1, 2]);
  });

  it('waits as long as it takes for the first item of a batch', async () => {
    const source = new ManualSource();
    const batcher = new EventBatcher(source, 100);
    const first = batcher.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    source.push(1);
    expect(await first).toEqual([1]);
  });

  it('keeps the pull left pending at the end of a batch: its item opens the next batch', async () => {
    const source = new ManualSource();
    const batcher = new EventBatcher(source, 100);
    source.push(1);
    expect(await batcher.next()).toEqual([1]);
    source.push(2);
    source.end();
    expect(await batcher.next()).toEqual([2]);
    expect(await batcher.next()).toEqual([]);
  });

  it('reports a failing source to the caller', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      await Promise.resolve();
      throw new Error('connection lost');
    }
    const batcher = new EventBatcher(failing(), 10);
    await expect(batcher.next()).rejects.toThrow('connection lost');
  });

  it('refuses a batch size below 1', () => {
    expect(() => new EventBatcher(generate([]), 0)).toThrow('batch size');
  });
});
