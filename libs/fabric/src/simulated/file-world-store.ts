import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FabricStoreError } from '../errors';
import type { OperationId } from '../operations/fabric-operation';
import { emptyDeviceState } from '../state/fabric-state';
import { findDevice, type FabricTopology } from '../topology/topology';
import { fsyncDirectory, readFileIfExistsAsync, writeFileAtomicallyAsync } from './atomic-file';
import { DeviceJournal, deviceWorld } from './device-journal';
import { DeviceLease } from './device-lease';
import {
  emptySettings,
  parseSettings,
  sameFaults,
  settingsOf,
  withSettings,
  type FabricSettings,
} from './fabric-settings';
import { migrateLegacyState } from './legacy-state-file';
import { IdempotencyKeyIndex } from './idempotency-key-index';
import { FileLock, type LockFileOptions } from './lock-file';
import {
  draftWorld,
  findRecord,
  nextDueAt,
  settle,
  type OperationRecord,
  type SimulatedWorld,
} from './simulated-world';
import type { TransactOptions, WorldStore } from './world-store';

/** What a directory holds (see libs/fabric/README.md, "The file-backed fabric's directory"). */
export const fabricFileName = 'fabric.json';
export const settingsFileName = 'settings.json';
/** The fabric-wide lock: settings and the directory's creation. */
export const lockFileName = 'fabric.lock';
export const devicesDirectoryName = 'devices';
/** The device's own lock, in its directory. */
export const deviceLockFileName = 'lock';

interface FabricFile {
  readonly format: 'loom-simulated-fabric';
  readonly version: 2;
  readonly topology: FabricTopology;
}

/** Operations to devices the topology does not have: refused, kept by this process only. */
const unknownDevices = '#unknown';

function parseFabricFile(text: string, path: string): FabricTopology {
  let value: Partial<FabricFile> | null;
  try {
    value = JSON.parse(text) as Partial<FabricFile> | null;
  } catch (error) {
    throw new FabricStoreError(`${path} is not valid JSON: ${String(error)}`);
  }
  if (value?.format !== 'loom-simulated-fabric' || value.version !== 2 || !value.topology) {
    throw new FabricStoreError(`${path} is not a version 2 simulated fabric file`);
  }
  return value.topology;
}

/** A partition kept in memory: the unknown devices' refusals. */
class MemoryPartition {
  constructor(public world: SimulatedWorld) {}
  refresh(): Promise<void> {
    return Promise.resolve();
  }
  commit(_before: SimulatedWorld, draft: SimulatedWorld): Promise<void> {
    this.world = draft;
    return Promise.resolve();
  }
}

type Partition = DeviceJournal | MemoryPartition;

/**
 * The world in a directory shared by every process that opens it: a directory per device (its
 * journal, see DeviceJournal) under its own lock file, so devices never wait for each other, and
 * the fabric-wide settings (faults, unreachable devices, latency) in a small file under the
 * fabric's lock. Within a process, one call at a time per device; a call that only reads takes no
 * lock unless a job of the device is due (running it is a write).
 */
export class FileWorldStore implements WorldStore {
  readonly fabricPath: string;
  private readonly settingsPath: string;
  private readonly lock: FileLock;
  private topology: FabricTopology | undefined;
  private readonly devices = new Map<string, { journal: DeviceJournal; lease: DeviceLease }>();
  private readonly keyIndexes = new Map<string, IdempotencyKeyIndex>();
  private readonly unknown: MemoryPartition;
  private readonly queues = new Map<string, Promise<unknown>>();
  private settings: FabricSettings = emptySettings;
  private settingsVersion: string | undefined;

  constructor(
    readonly directory: string,
    private readonly lockOptions: LockFileOptions,
    private readonly compactAfterBytes?: number,
  ) {
    this.fabricPath = join(directory, fabricFileName);
    this.settingsPath = join(directory, settingsFileName);
    this.lock = new FileLock(join(directory, lockFileName), lockOptions);
    this.unknown = new MemoryPartition(deviceWorld({ devices: [] }, unknownDevices));
  }

  /**
   * Creates the directory's files if there are none yet (from `simulated-fabric.json` of the
   * earlier single-file format when there is one: see migrateLegacyState); returns its topology.
   */
  async initialize(create: () => SimulatedWorld): Promise<FabricTopology> {
    await mkdir(join(this.directory, devicesDirectoryName), { recursive: true });
    const topology = await this.settingsExclusive(async () => {
      const text = await readFileIfExistsAsync(this.fabricPath);
      if (text !== undefined) return parseFabricFile(text, this.fabricPath);
      const migrated = await migrateLegacyState(this.directory);
      const world = migrated?.world ?? create();
      await this.write(world);
      await migrated?.done();
      return world.topology;
    });
    this.topology = topology;
    this.unknown.world = deviceWorld(topology, unknownDevices);
    for (const { name } of topology.devices) {
      const directory = join(this.directory, devicesDirectoryName, name);
      this.devices.set(name, {
        journal: new DeviceJournal(directory, name, topology, this.compactAfterBytes),
        lease: new DeviceLease(
          new FileLock(join(directory, deviceLockFileName), this.lockOptions),
          (work) => this.enqueue(name, work),
        ),
      });
    }
    return topology;
  }

  /** A new directory's files; fabric.json last, as its existence says the rest is complete. */
  private async write(world: SimulatedWorld): Promise<void> {
    for (const { name } of world.topology.devices) {
      await DeviceJournal.create(join(this.directory, devicesDirectoryName, name), {
        device: name,
        state: world.devices[name] ?? emptyDeviceState,
        counters: world.counters[name] ?? {},
        operations: [],
        prunedOperations: 0,
      });
    }
    await fsyncDirectory(join(this.directory, devicesDirectoryName));
    await writeFileAtomicallyAsync(this.settingsPath, JSON.stringify(settingsOf(world)), {
      syncDirectory: false,
    });
    const file: FabricFile = {
      format: 'loom-simulated-fabric',
      version: 2,
      topology: world.topology,
    };
    await writeFileAtomicallyAsync(this.fabricPath, JSON.stringify(file));
  }

  private requireTopology(): FabricTopology {
    if (!this.topology) throw new FabricStoreError(`${this.directory} was not initialized`);
    return this.topology;
  }

  partitionOf(device: string): string {
    return findDevice(this.requireTopology(), device) ? device : unknownDevices;
  }

  partitions(): readonly string[] {
    return this.requireTopology().devices.map((device) => device.name);
  }

  externalId(partition: string, localId: OperationId): OperationId {
    return `${partition}/${localId}`;
  }

  locate(id: OperationId): { partition: string; localId: OperationId } | undefined {
    const slash = id.lastIndexOf('/');
    const partition = id.slice(0, slash);
    const localId = id.slice(slash + 1);
    if (slash < 0 || !/^op-[1-9]\d*$/.test(localId)) return undefined;
    if (partition !== unknownDevices && !this.devices.has(partition)) return undefined;
    return { partition, localId };
  }

  private partition(name: string): { partition: Partition; lease: DeviceLease | undefined } {
    if (name === unknownDevices) return { partition: this.unknown, lease: undefined };
    const device = this.devices.get(name);
    if (!device) throw new FabricStoreError(`no device ${name} in ${this.directory}`);
    return { partition: device.journal, lease: device.lease };
  }

  /** One call at a time per partition (and one for the settings) within this process. */
  private enqueue<T>(name: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(name) ?? Promise.resolve()).then(work);
    this.queues.set(
      name,
      run.catch(() => undefined),
    );
    return run;
  }

  private settingsExclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.enqueue('#settings', () => this.lock.run(work));
  }

  /**
   * The settings as on disk (another process may have changed them): looked at by every call,
   * read again only when the file is another one (each change renames a new file into place) or
   * was touched since.
   */
  private async refreshSettings(): Promise<FabricSettings> {
    let version: string;
    try {
      const { ino, size, mtimeNs, ctimeNs } = await stat(this.settingsPath, { bigint: true });
      version = `${ino}:${size}:${mtimeNs}:${ctimeNs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new FabricStoreError(`${this.settingsPath} is gone: was the fabric directory removed?`);
    }
    if (version === this.settingsVersion) return this.settings;
    const text = await readFileIfExistsAsync(this.settingsPath);
    if (text === undefined) return this.refreshSettings();
    this.settings = parseSettings(text, this.settingsPath);
    // Read after the stat: if it changed in between, the next call reads it again.
    this.settingsVersion = version;
    return this.settings;
  }

  transact<T>(
    name: string,
    work: (world: SimulatedWorld) => T,
    options: TransactOptions = {},
  ): Promise<T> {
    return this.enqueue(name, () => this.transactNow(name, work, options));
  }

  private async transactNow<T>(
    name: string,
    work: (world: SimulatedWorld) => T,
    options: TransactOptions,
  ): Promise<T> {
    const { partition, lease } = this.partition(name);
    const run = async (holdsSettings: boolean): Promise<T> => {
      await partition.refresh(true);
      const settings = await this.refreshSettings();
      const before = withSettings(partition.world, settings);
      const draft = draftWorld(before);
      settle(draft, Date.now());
      const result = work(draft);
      const faultsMoved = !sameFaults(settings.faults, draft.faults);
      if (faultsMoved && !holdsSettings) {
        throw new FabricStoreError('a fault was counted outside the fabric lock');
      }
      await partition.commit(before, draft, options);
      if (faultsMoved) await this.writeSettings({ ...settings, faults: draft.faults });
      return result;
    };
    const locked = (): Promise<T> => (lease ? lease.run(() => run(false)) : run(false));
    if (!options.countsFaults) return locked();
    // A submission counts against the faults: with any, the fabric lock is held as well (always
    // after the device's), so that two devices never count the same fault at once.
    const settings = await this.refreshSettings();
    if (settings.faults.length === 0) return locked();
    const withFabricLock = () => this.settingsExclusive(() => run(true));
    return lease ? lease.run(withFabricLock) : withFabricLock();
  }

  read<T>(name: string, work: (world: SimulatedWorld) => T): Promise<T> {
    return this.enqueue(name, async () => {
      const { partition } = this.partition(name);
      await partition.refresh(false);
      const world = withSettings(partition.world, await this.refreshSettings());
      const due = nextDueAt(world);
      if (due !== undefined && due <= Date.now()) return this.transactNow(name, work, {});
      return work(world);
    });
  }

  transactSettings<T>(work: (world: SimulatedWorld) => T): Promise<T> {
    return this.settingsExclusive(async () => {
      const settings = await this.refreshSettings();
      const world = withSettings(deviceWorld(this.requireTopology(), unknownDevices), settings);
      const draft = draftWorld(world);
      const result = work(draft);
      await this.writeSettings(settingsOf(draft));
      return result;
    });
  }

  private async writeSettings(settings: FabricSettings): Promise<void> {
    const text = JSON.stringify(settings);
    await writeFileAtomicallyAsync(this.settingsPath, text);
    // Read back by the next call: its stat is the new file's.
    this.settingsVersion = undefined;
    this.settings = settings;
  }

  /**
   * What this process has seen of the other devices (as of its last call to each): a key reused
   * on another device is a caller's bug, reported when seen; each device still applies a key's
   * effect at most once whatever is reported.
   */
  findKeyElsewhere(name: string, key: string): Promise<OperationId | undefined> {
    for (const [device, { journal }] of this.devices) {
      if (device === name) continue;
      const id = this.keyIndexOf(device).lookup(journal.world, key);
      if (id !== undefined) return Promise.resolve(this.externalId(device, id));
    }
    return Promise.resolve(undefined);
  }

  /** A transaction's world is a copy of the device's history, which the index follows. */
  findKey(name: string, world: SimulatedWorld, key: string): OperationRecord | undefined {
    const id = this.keyIndexOf(name).lookup(world, key);
    return id === undefined ? undefined : findRecord(world, id);
  }

  private keyIndexOf(device: string): IdempotencyKeyIndex {
    let index = this.keyIndexes.get(device);
    if (index === undefined) {
      index = new IdempotencyKeyIndex();
      this.keyIndexes.set(device, index);
    }
    return index;
  }
}
