import { FabricStoreError } from '../errors';
import { defaultTopology } from '../topology/default-topology';
import type { FabricTopology } from '../topology/topology';
import { canonicalJson } from './canonical-json';
import { FileWorldStore } from './file-world-store';
import { latencySettings, SimulatedFabric } from './simulated-fabric';
import { createWorld, type LatencySettings } from './simulated-world';

export interface FileBackedFabricOptions {
  /** Holds the fabric's files (a directory per device); created if missing. */
  readonly directory: string;
  /**
   * The topology of a new fabric (default: the lib's default). A directory that already holds a
   * fabric keeps its own; giving a different one is an error rather than a silent mix.
   */
  readonly topology?: FabricTopology;
  /** Latency of a new fabric; an existing one keeps its setting (change it with setLatency). */
  readonly latency?: number | LatencySettings;
  /** A lock older than this is taken over (default 10 s); a dead holder's lock at once. */
  readonly staleLockMs?: number;
  /** Give up waiting for the lock after this long (default 30 s). */
  readonly lockTimeoutMs?: number;
  readonly pollIntervalMs?: number;
  /**
   * A device's journal is folded into its snapshot past this many bytes and twice the
   * snapshot's size (default 1 MiB); small in tests that exercise the folding.
   */
  readonly compactJournalAfterBytes?: number;
}

/**
 * A simulated fabric whose whole state (devices, idempotency keys, counters, faults) lives in
 * `directory`, a directory per device (see FileWorldStore): it survives kill -9 and restarts, and
 * several processes can drive it at once without losing each other's effects. A directory of the
 * earlier single-file format is migrated (see migrateLegacyState).
 */
export async function openFileBackedFabric(
  options: FileBackedFabricOptions,
): Promise<SimulatedFabric> {
  const store = new FileWorldStore(
    options.directory,
    { staleMs: options.staleLockMs ?? 10_000, timeoutMs: options.lockTimeoutMs ?? 30_000 },
    options.compactJournalAfterBytes,
  );
  const requested = options.topology;
  const topology = await store.initialize(() =>
    createWorld(requested ?? defaultTopology, latencySettings(options.latency)),
  );
  if (requested && canonicalJson(requested) !== canonicalJson(topology)) {
    throw new FabricStoreError(
      `${store.fabricPath} holds a fabric with a different topology; use another directory`,
    );
  }
  const fabricOptions =
    options.pollIntervalMs === undefined
      ? { topology }
      : { topology, pollIntervalMs: options.pollIntervalMs };
  return new SimulatedFabric(fabricOptions, store);
}
