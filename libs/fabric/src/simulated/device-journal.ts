import { mkdir, open, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { FabricStoreError } from '../errors';
import type { OperationKind } from '../operations/fabric-operation';
import { applyOperation } from '../state/device-model';
import { emptyDeviceState, type DeviceState } from '../state/fabric-state';
import { findDevice, type FabricTopology } from '../topology/topology';
import { fsyncDirectory, readFileIfExistsAsync, writeFileAtomicallyAsync } from './atomic-file';
import {
  createWorld,
  findRecord,
  sequenceOf,
  type OperationCount,
  type OperationRecord,
  type SimulatedWorld,
} from './simulated-world';

type DeviceCounters = Partial<Record<OperationKind, OperationCount>>;

/** A device's part of the world as of a journal generation's start: `snapshot.json`. */
export interface DeviceSnapshot {
  readonly format: 'loom-simulated-device';
  readonly version: 1;
  readonly device: string;
  /** The journal that follows it: `journal-{generation}.jsonl`. */
  readonly generation: number;
  readonly state: DeviceState;
  readonly counters: DeviceCounters;
  readonly operations: OperationRecord[];
  readonly prunedOperations: number;
}

/**
 * One committed transaction of a device, one line of its journal: what changed, never the whole
 * device. The state follows from the records whose execution changed the device (replayed with
 * the device model), or is given whole when it was set by hand.
 */
export interface JournalLine {
  /** Operations submitted, or whose job ran, in the transaction, in id order. */
  readonly records: readonly OperationRecord[];
  readonly prunedOperations: number;
  /** The device's counters, when they moved. */
  readonly counters?: DeviceCounters;
  /** The device's state set by hand (tamper). */
  readonly state?: DeviceState;
}

/** Past this many journal bytes (and twice the snapshot's), the journal is folded into it. */
export const defaultCompactAfterBytes = 1024 * 1024;
const newline = 0x0a;

export const snapshotFileName = 'snapshot.json';

function journalFileName(generation: number): string {
  return `journal-${generation}.jsonl`;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** An empty world holding one device's part, with the whole topology (the device model needs it). */
export function deviceWorld(topology: FabricTopology, device: string): SimulatedWorld {
  return { ...createWorld(topology, { defaultMs: 0 }), devices: { [device]: emptyDeviceState } };
}

/**
 * One device's state, operations (its idempotency keys) and counters in a directory of its own: a
 * snapshot and an append-only journal after it. A transaction appends one line (one write, one
 * fdatasync) with only what it changed, so its cost does not grow with the device's
 * configuration; a process keeps the device in memory and reads only the lines other processes
 * appended since it last looked. When the journal outgrows the snapshot it is folded into a new
 * snapshot (a new generation; the old journal is removed), which keeps a cold start short.
 *
 * Not safe for concurrent use: the store runs one call at a time per device and process, and
 * `commit` only under the device's lock file.
 */
export class DeviceJournal {
  world: SimulatedWorld;
  private generation = 0;
  /** Bytes of the journal read (or written) so far: always the end of a complete line. */
  private offset = 0;
  private snapshotBytes = 0;

  constructor(
    readonly directory: string,
    readonly device: string,
    private readonly topology: FabricTopology,
    private readonly compactAfterBytes = defaultCompactAfterBytes,
  ) {
    this.world = deviceWorld(topology, device);
  }

  get snapshotPath(): string {
    return join(this.directory, snapshotFileName);
  }

  private journalPath(generation: number): string {
    return join(this.directory, journalFileName(generation));
  }

  /** Writes a new device directory: the snapshot and an empty journal (the caller fsyncs). */
  static async create(
    directory: string,
    snapshot: Omit<DeviceSnapshot, 'format' | 'version' | 'generation'>,
  ): Promise<void> {
    await mkdir(directory, { recursive: true });
    await (await open(join(directory, journalFileName(1)), 'w')).close();
    const content: DeviceSnapshot = {
      format: 'loom-simulated-device',
      version: 1,
      generation: 1,
      ...snapshot,
    };
    await writeFileAtomicallyAsync(join(directory, snapshotFileName), JSON.stringify(content), {
      syncDirectory: false,
    });
    await fsyncDirectory(directory);
  }

  /**
   * Catches up with what other processes committed. `locked`: no other process writes now, so a
   * last line without its newline is a torn append of a writer that died, and is cut off.
   */
  async refresh(locked: boolean): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      if (this.generation === 0) await this.loadSnapshot();
      let size: number;
      try {
        size = (await stat(this.journalPath(this.generation))).size;
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
        // Folded into a newer snapshot by another process.
        this.generation = 0;
        continue;
      }
      if (size < this.offset) {
        this.generation = 0;
        continue;
      }
      if (size > this.offset) {
        try {
          await this.readFrom(size);
        } catch (error) {
          // Read afresh next time: lines may have been applied without the offset moving.
          this.generation = 0;
          if (errorCode(error) !== 'ENOENT') throw error;
          // Folded between the stat and the read.
          continue;
        }
      }
      if (locked && size > this.offset)
        await truncate(this.journalPath(this.generation), this.offset);
      return;
    }
    throw new FabricStoreError(`${this.directory}: its journal keeps disappearing`);
  }

  private async loadSnapshot(): Promise<void> {
    const text = await readFileIfExistsAsync(this.snapshotPath);
    if (text === undefined) {
      throw new FabricStoreError(`${this.snapshotPath} is gone: was the fabric directory removed?`);
    }
    let parsed: Partial<DeviceSnapshot> | null;
    try {
      parsed = JSON.parse(text) as Partial<DeviceSnapshot> | null;
    } catch (error) {
      throw new FabricStoreError(`${this.snapshotPath} is not valid JSON: ${String(error)}`);
    }
    if (
      parsed?.format !== 'loom-simulated-device' ||
      parsed.version !== 1 ||
      parsed.device !== this.device
    ) {
      throw new FabricStoreError(`${this.snapshotPath} is not ${this.device}'s device snapshot`);
    }
    const snapshot = parsed as DeviceSnapshot;
    const world = deviceWorld(this.topology, this.device);
    world.devices[this.device] = snapshot.state;
    world.counters[this.device] = snapshot.counters;
    world.operations = snapshot.operations;
    world.prunedOperations = snapshot.prunedOperations;
    world.pending = snapshot.operations
      .filter((record) => record.dueAt !== null)
      .map((record) => record.id);
    this.world = world;
    this.generation = snapshot.generation;
    this.offset = 0;
    this.snapshotBytes = text.length;
  }

  private async readFrom(size: number): Promise<void> {
    const length = size - this.offset;
    const buffer = Buffer.alloc(length);
    const file = await open(this.journalPath(this.generation), 'r');
    let read: number;
    try {
      ({ bytesRead: read } = await file.read(buffer, 0, length, this.offset));
    } finally {
      await file.close();
    }
    const end = buffer.subarray(0, read).lastIndexOf(newline);
    if (end < 0) return;
    for (const line of buffer.toString('utf8', 0, end).split('\n')) {
      let parsed: JournalLine;
      try {
        parsed = JSON.parse(line) as JournalLine;
      } catch (error) {
        throw new FabricStoreError(
          `${this.journalPath(this.generation)} has a broken line: ${String(error)}`,
        );
      }
      this.apply(parsed);
    }
    this.offset += end + 1;
  }

  /** Applies a line another process wrote: the same changes its transaction made. */
  private apply(line: JournalLine): void {
    const world = this.world;
    const name = this.device;
    const device = findDevice(this.topology, name);
    const added: OperationRecord[] = [];
    for (const record of line.records) {
      const existing = findRecord(world, record.id);
      if (line.state === undefined && record.changedDevice && !existing?.changedDevice && device) {
        const result = applyOperation(
          device,
          world.devices[name] ?? emptyDeviceState,
          record.operation,
        );
        if (result.status === 'changed') world.devices[name] = result.state;
      }
      if (existing) {
        world.operations[sequenceOf(record) - 1 - (world.prunedOperations ?? 0)] = record;
      } else if (
        sequenceOf(record) ===
        (world.prunedOperations ?? 0) + world.operations.length + 1
      ) {
        world.operations.push(record);
        added.push(record);
      } else {
        throw new FabricStoreError(`${this.directory}: journal record ${record.id} out of order`);
      }
    }
    const drop = line.prunedOperations - (world.prunedOperations ?? 0);
    if (drop > 0) world.operations.splice(0, drop);
    world.prunedOperations = line.prunedOperations;
    world.pending = [
      ...world.pending.filter((id) => findRecord(world, id)?.dueAt != null),
      ...added.filter((record) => record.dueAt !== null).map((record) => record.id),
    ];
    if (line.counters) world.counters[name] = line.counters;
    if (line.state) world.devices[name] = line.state;
  }

  /**
   * Appends what a transaction changed, `draft` being the world it made from `before` (with
   * draftWorld: records that were pending are copies, the rest shared), and makes it the
   * device's. Only under the device's lock, after refresh(true).
   */
  async commit(
    before: SimulatedWorld,
    draft: SimulatedWorld,
    options: { readonly setsState?: boolean } = {},
  ): Promise<void> {
    const name = this.device;
    const changed = before.pending
      .map((id) => ({ was: findRecord(before, id), now: findRecord(draft, id) }))
      .filter(
        ({ was, now }) =>
          was &&
          now &&
          (was.dueAt !== now.dueAt ||
            was.outcome !== now.outcome ||
            was.changedDevice !== now.changedDevice),
      )
      .map(({ now }) => now as OperationRecord);
    const lastBefore = (before.prunedOperations ?? 0) + before.operations.length;
    // The draft's operations after the last one `before` had: a slice, not a scan of the history.
    const added = draft.operations.slice(Math.max(0, lastBefore - (draft.prunedOperations ?? 0)));
    const records = [...changed, ...added].sort((a, b) => sequenceOf(a) - sequenceOf(b));
    const countersBefore = before.counters[name] ?? {};
    const countersAfter = draft.counters[name] ?? {};
    const countersMoved = (Object.keys(countersAfter) as OperationKind[]).some(
      (kind) => countersAfter[kind] !== countersBefore[kind],
    );
    const prunedOperations = draft.prunedOperations ?? 0;
    if (
      records.length === 0 &&
      !countersMoved &&
      !options.setsState &&
      prunedOperations === (before.prunedOperations ?? 0)
    ) {
      this.world = draft;
      return;
    }
    const line: JournalLine = {
      records,
      prunedOperations,
      ...(countersMoved ? { counters: countersAfter } : {}),
      ...(options.setsState ? { state: draft.devices[name] ?? emptyDeviceState } : {}),
    };
    const text = `${JSON.stringify(line)}\n`;
    const file = await open(this.journalPath(this.generation), 'a');
    try {
      await file.write(text);
      // One fdatasync: an acknowledged effect survives a crash of the machine too.
      await file.datasync();
    } finally {
      await file.close();
    }
    this.offset += Buffer.byteLength(text);
    this.world = draft;
    if (this.offset > Math.max(this.compactAfterBytes, 2 * this.snapshotBytes)) {
      await this.compact();
    }
  }

  /**
   * Folds the journal into a new snapshot: the next generation's empty journal first, then the
   * snapshot naming it (atomically), then the old journal goes. A crash between the steps leaves
   * the old snapshot with its journal (and an unused empty file), or the new one.
   */
  private async compact(): Promise<void> {
    const next = this.generation + 1;
    await (await open(this.journalPath(next), 'w')).close();
    const world = this.world;
    const snapshot: DeviceSnapshot = {
      format: 'loom-simulated-device',
      version: 1,
      device: this.device,
      generation: next,
      state: world.devices[this.device] ?? emptyDeviceState,
      counters: world.counters[this.device] ?? {},
      operations: world.operations,
      prunedOperations: world.prunedOperations ?? 0,
    };
    const text = JSON.stringify(snapshot);
    await writeFileAtomicallyAsync(this.snapshotPath, text);
    await rm(this.journalPath(this.generation), { force: true });
    this.generation = next;
    this.offset = 0;
    this.snapshotBytes = text.length;
  }
}
