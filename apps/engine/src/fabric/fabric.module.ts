import { Global, Module } from '@nestjs/common';
import type { FabricTopology } from '@loom/fabric';
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
      inject: ['EngineConfig', FABRIC_TOPOLOGY],
      useFactory: (config: EngineConfig, topology: FabricTopology) =>
        openFabricDriver(config, topology),
    },
  ],
  exports: [FABRIC_TOPOLOGY, FABRIC_DRIVER],
})
export class FabricModule {}
