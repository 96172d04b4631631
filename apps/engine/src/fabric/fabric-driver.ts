import { join, resolve } from 'node:path';
import {
  defaultTopology,
  loadTopologyFile,
  openFileBackedFabric,
  openFrrFabric,
  type FabricDriver,
  type FabricTopology,
} from '@loom/fabric';
import type { EngineConfig } from '../config/engine.config';

/** The fabric's devices and links: LOOM_FABRIC_TOPOLOGY, or the default topology. */
export async function loadFabricTopology(config: EngineConfig): Promise<FabricTopology> {
  return config.LOOM_FABRIC_TOPOLOGY
    ? loadTopologyFile(config.LOOM_FABRIC_TOPOLOGY)
    : defaultTopology;
}

/**
 * The simulated fabric keeps its devices' state in the data directory: it survives a restart,
 * even a kill -9, as a real fabric would. The FRR lab is built at start when it is not up, and
 * stays up after the engine stops (`loomctl fabric lab down` removes it).
 */
export function openFabricDriver(
  config: EngineConfig,
  topology: FabricTopology,
): Promise<FabricDriver> {
  if (config.LOOM_FABRIC === 'frr-lab') {
    return openFrrFabric({ topology, labDir: labDirectory(config) });
  }
  return openFileBackedFabric({
    directory: resolve(config.LOOM_FABRIC_DIR ?? join(config.LOOM_DATA_DIR, 'fabric')),
    topology,
    latency: config.LOOM_FABRIC_LATENCY_MS,
  });
}

export function labDirectory(config: EngineConfig): string {
  return resolve(config.LOOM_FABRIC_LAB_DIR ?? join(config.LOOM_DATA_DIR, 'lab'));
}
