import { resolve } from 'node:path';
import {
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ChainSealer, loadOrCreateAuditKey } from '@loom/audit';
import type { Logger } from '@loom/logging';
import { LOGGER } from '../config/config.module';
import type { EngineConfig } from '../config/engine.config';
import { DatabaseConnection } from '../database/database-connection';

/**
 * The audit trail's tamper evidence: a sealer that extends the hash chain over the event log
 * behind the appends and signs a checkpoint each round, with the audit key in the data directory
 * (`audit-signing-key.json`, not the token key). Only on the PostgreSQL event store, whose log it
 * reads; every replica may run one (the checkpoint table lets one extend each checkpoint).
 */
@Module({})
export class AuditModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private sealer: ChainSealer | undefined;

  constructor(
    @Inject('EngineConfig') private readonly config: EngineConfig,
    @Inject(DatabaseConnection) private readonly database: DatabaseConnection,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.LOOM_EVENT_STORE !== 'postgres') return;
    const key = await loadOrCreateAuditKey(resolve(this.config.LOOM_DATA_DIR));
    const log = this.logger.child({ component: 'audit-sealer' });
    this.sealer = new ChainSealer({
      pool: this.database.pool,
      key,
      onError: (error) => {
        log.error({ err: error }, 'audit chain not sealed');
      },
    });
    this.sealer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sealer?.stop();
  }
}
