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
  private operations: SimulatedWorld['operations'] | undefined;
  /** Operations indexed so far, as a position in the whole history. */
  private indexed = 0;
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
    // A history read afresh (another array), or shorter than seen: index it again.
    // Entries of pruned operations are dropped when read, or all at once when they pile up.
    if (
      world.operations !== this.operations ||
      total < this.indexed ||
      this.entries.size > 2 * world.operations.length + 64
    ) {
      this.entries.clear();
      this.operations = world.operations;
      this.indexed = pruned;
    }
    for (let position = Math.max(this.indexed, pruned); position < total; position += 1) {
      const record = world.operations[position - pruned];
      if (record !== undefined)
        this.entries.set(record.idempotencyKey, { id: record.id, position });
    }
    this.indexed = total;
  }
}
