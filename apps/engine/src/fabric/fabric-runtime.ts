import { join, resolve } from 'node:path';
import type { JsonValue } from '@loom/event-store';
import type { EventStore } from '@loom/event-store';
import {
  carriesTenants,
  defaultTopology,
  loadTopologyFile,
  openFileBackedFabric,
  openFrrFabric,
  type FabricDriver,
  type FabricTopology,
} from '@loom/fabric';
import {
  createNetworkServices,
  fabricRepairSaga,
  FabricDriftService,
  portFabricSagas,
  type NetworkServices,
} from '@loom/network';
import { Sagas, type AnySagaDefinition } from '@loom/sagas';
import type { Pool } from 'pg';
import { parseVniRange, type EngineConfig } from '../config/engine.config';
import { topologyPlacement } from './fabric-placement';

/** The network services wired to the fabric: its driver, its topology and the sagas that drive it. */
export interface FabricRuntime {
  readonly services: NetworkServices;
  readonly driver: FabricDriver;
  readonly topology: FabricTopology;
  readonly sagas: Sagas;
  readonly definitions: readonly AnySagaDefinition[];
  /** Intended configuration against the devices' actual one, and the sagas that repair it. */
  readonly drift: FabricDriftService;
}

/**
 * The simulated fabric keeps its devices' state in the data directory: it survives a restart,
 * even a kill -9, as a real fabric would. The FRR lab is built at start when it is not up, and
 * stays up after the engine stops (`loomctl fabric lab down` removes it).
 */
function openFabricDriver(config: EngineConfig, topology: FabricTopology): Promise<FabricDriver> {
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

export async function openFabricRuntime(
  config: EngineConfig,
  store: EventStore,
  pool: Pool,
): Promise<FabricRuntime> {
  const topology = config.LOOM_FABRIC_TOPOLOGY
    ? await loadTopologyFile(config.LOOM_FABRIC_TOPOLOGY)
    : defaultTopology;
  const driver = await openFabricDriver(config, topology);
  let definitions: readonly AnySagaDefinition[] = [];
  let sagas: Sagas | undefined;
  const services = createNetworkServices(
    store,
    {
      l3VniRange: parseVniRange(config.LOOM_L3_VNI_RANGE),
      l2VniRange: parseVniRange(config.LOOM_L2_VNI_RANGE),
      asn: config.LOOM_FABRIC_ASN,
    },
    (aggregates) => {
      definitions = portFabricSagas({
        driver,
        aggregates,
        deviceTimeoutMs: config.LOOM_DEVICE_TIMEOUT_MS,
      });
      // Drift repairs run on the same workers, and queue on the same leaves, as port sagas.
      definitions = [
        ...definitions,
        fabricRepairSaga({ driver, aggregates, deviceTimeoutMs: config.LOOM_DEVICE_TIMEOUT_MS }),
      ];
      const started = new Sagas({ pool, store, definitions });
      sagas = started;
      return {
        placement: topologyPlacement(topology),
        work: {
          start: async (type, sagaId, resourceKey, input) => {
            await started.start(type, sagaId, resourceKey, input as JsonValue);
          },
        },
      };
    },
  );
  if (!sagas) throw new Error('the port fabric was not wired');
  const repairs = sagas;
  const drift = new FabricDriftService({
    driver,
    aggregates: services.aggregates,
    devices: topology.devices
      .filter((device) => carriesTenants(device.role))
      .map((device) => device.name),
    work: {
      start: async (type, sagaId, resourceKey, input) => {
        await repairs.start(type, sagaId, resourceKey, input as JsonValue);
      },
    },
  });
  return { services, driver, topology, sagas, definitions, drift };
}
