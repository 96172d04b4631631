import type { OperationId } from '../operations/fabric-operation';
import type { SimulatedWorld } from './simulated-world';

interface KeyEntry {
  readonly id: OperationId;
  /** The operation's position in the device's whole history (pruned ones included), from 0. */
  readonly position: number;
}

/**
 * Where each idempotency key was last used on one device, kept up with the device's operation
 * history as it grows and as its oldest operations are pruned: a lookup is a Map read, plus the
 * operations appended since the last one. `FileWorldStore.findKeyElsewhere` asks every other
 * device on each submit; scanning their histories instead (up to 2,000 operations each) took 56 %
 * of the engine's CPU with 40 leaves (bench/README.md, "Scale"). Answers what
 * `operations.findLast(key)` answers.
 */
export class IdempotencyKeyIndex {
  /** Operations indexed so far, as a position in the whole history. */
  private indexed = 0;
  /** The last operation indexed, to tell the same history (copied) from another one. */
  private last: { readonly id: OperationId; readonly key: string; readonly at: number } | undefined;
  private readonly entries = new Map<string, KeyEntry>();

  lookup(world: SimulatedWorld, key: string): OperationId | undefined {
    this.catchUp(world);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.position < (world.prunedOperations ?? 0)) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.id;
  }

  private catchUp(world: SimulatedWorld): void {
    const pruned = world.prunedOperations ?? 0;
    const total = pruned + world.operations.length;
    // Every transaction copies the history array (draftWorld), so the array's identity says
    // nothing: the history is the one indexed when the last operation indexed is still in its
    // place. Otherwise (another history, a shorter one, or the last one indexed pruned since)
    // it is indexed again. Entries of pruned operations are dropped when read, or all at once
    // when they pile up.
    if (
      !this.stillHolds(world, pruned, total) ||
      this.entries.size > 2 * world.operations.length + 64
    ) {
      this.entries.clear();
      this.indexed = pruned;
      this.last = undefined;
    }
    for (let position = Math.max(this.indexed, pruned); position < total; position += 1) {
      const record = world.operations[position - pruned];
      if (record !== undefined)
        this.entries.set(record.idempotencyKey, { id: record.id, position });
    }
    this.indexed = total;
    const newest = world.operations.at(-1);
    this.last =
      newest === undefined
        ? undefined
        : { id: newest.id, key: newest.idempotencyKey, at: newest.submittedAt };
  }

  private stillHolds(world: SimulatedWorld, pruned: number, total: number): boolean {
    if (this.last === undefined) return this.indexed === 0 || this.indexed <= pruned;
    if (total < this.indexed) return false;
    const record = world.operations[this.indexed - 1 - pruned];
    return (
      record !== undefined &&
      record.id === this.last.id &&
      record.idempotencyKey === this.last.key &&
      record.submittedAt === this.last.at
    );
  }
}
