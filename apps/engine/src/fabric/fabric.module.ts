import { Global, Module } from '@nestjs/common';
import type { FabricTopology } from '@loom/fabric';
import { DeviceOperationLog } from '../metrics/device-operation-log';
import { EngineMetrics } from '../metrics/engine-metrics';
import { instrumentFabricDriver } from '../metrics/instrumented-fabric-driver';
import type { EngineConfig } from '../config/engine.config';
import { loadFabricTopology, openFabricDriver } from './fabric-driver';
import { FABRIC_DRIVER, FABRIC_TOPOLOGY } from './fabric.tokens';

/** The fabric Loom configures: its topology, and the driver that talks to its devices. */
@Global()
@Module({
  providers: [
    { provide: FABRIC_TOPOLOGY, inject: ['EngineConfig'], useFactory: loadFabricTopology },
    {
      provide: FABRIC_DRIVER,
      inject: ['EngineConfig', FABRIC_TOPOLOGY, EngineMetrics, DeviceOperationLog],
      useFactory: async (
        config: EngineConfig,
        topology: FabricTopology,
        metrics: EngineMetrics,
        log: DeviceOperationLog,
      ) => instrumentFabricDriver(await openFabricDriver(config, topology), metrics, log),
    },
  ],
  exports: [FABRIC_TOPOLOGY, FABRIC_DRIVER],
})
export class FabricModule {}
