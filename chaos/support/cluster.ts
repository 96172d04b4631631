import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSigningKey, mintToken, type Role, type SigningKey } from '@loom/access';
import { openFileBackedFabric, type SimulatedFabric } from '@loom/fabric';
import { startEngine, type EngineProcess } from '../../test/support/engine-process';
import { freePort } from '../../test/support/free-port';
import { createLoomClients, type LoomClients } from '../../test/support/grpc-client';
import { startPostgresProcess, type PostgresProcess } from '../../test/support/postgres-process';

export interface ClusterOptions {
  readonly engines: number;
  /** Added to every engine's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface EngineSlot {
  readonly index: number;
  readonly address: string;
  readonly httpPort: number;
  process: EngineProcess | undefined;
  /** Every log line it printed, across its restarts. */
  logs: string;
}

/**
 * A PostgreSQL of its own and several engine processes sharing it (DATABASE_URL), one data
 * directory (token keys) and one file-backed simulated fabric: replicas as a deployment runs them,
 * which the campaign kills, restarts and starves of their database.
 */
export class ChaosCluster {
  readonly slots: EngineSlot[] = [];
  postgres!: PostgresProcess;
  private signingKey!: SigningKey;
  private readonly env: Record<string, string> = {};
  private postgresPort = 0;

  private constructor(
    readonly dataDir: string,
    private readonly postgresDir: string,
  ) {}

  static async start(options: ClusterOptions): Promise<ChaosCluster> {
    const cluster = new ChaosCluster(
      await mkdtemp(join(tmpdir(), 'loom-chaos-')),
      await mkdtemp(join(tmpdir(), 'loom-chaos-pg-')),
    );
    await cluster.boot(options);
    return cluster;
  }

  get fabricDir(): string {
    return join(this.dataDir, 'fabric');
  }

  private async boot(options: ClusterOptions): Promise<void> {
    this.postgresPort = await freePort();
    this.postgres = await startPostgresProcess(this.postgresDir, this.postgresPort);
    this.signingKey = await loadOrCreateSigningKey(this.dataDir);
    await mkdir(this.fabricDir, { recursive: true });
    Object.assign(this.env, {
      DATABASE_URL: this.postgres.url,
      LOOM_DATA_DIR: this.dataDir,
      LOOM_GRPC_HOST: '127.0.0.1',
      LOOM_LOG_LEVEL: 'info',
      LOOM_DASHBOARD: 'off',
      ...options.env,
    });
    for (let index = 0; index < options.engines; index += 1) {
      const grpcPort = await freePort();
      this.slots.push({
        index,
        address: `127.0.0.1:${grpcPort}`,
        httpPort: await freePort(),
        process: undefined,
        logs: '',
      });
    }
    // The first creates the schema; the others start beside it, as replicas do.
    for (const slot of this.slots) await this.startEngine(slot.index);
  }

  async startEngine(index: number): Promise<void> {
    const slot = this.slot(index);
    if (slot.process) throw new Error(`engine ${index} is running`);
    const engine = startEngine({
      ...this.env,
      LOOM_GRPC_PORT: slot.address.split(':')[1] ?? '',
      LOOM_HTTP_PORT: String(slot.httpPort),
    });
    slot.process = engine;
    await engine.waitForLog('Loom engine ready', 60_000);
  }

  /** SIGKILL: no shutdown, no flush; its calls in flight end as the client sees them end. */
  async killEngine(index: number): Promise<void> {
    const slot = this.slot(index);
    const engine = slot.process;
    if (!engine) return;
    slot.process = undefined;
    await engine.stop('SIGKILL');
    slot.logs += engine.output();
  }

  /** Starts every engine that is not running (one killed while it was starting). */
  async restartMissing(): Promise<void> {
    for (const slot of this.slots) {
      if (
        slot.process &&
        slot.process.child.exitCode === null &&
        slot.process.child.signalCode === null
      ) {
        continue;
      }
      if (slot.process) slot.logs += slot.process.output();
      slot.process = undefined;
      await this.startEngine(slot.index);
    }
  }

  running(): number[] {
    return this.slots.filter((slot) => slot.process).map((slot) => slot.index);
  }

  async restartPostgres(kill: boolean): Promise<void> {
    if (kill) await this.postgres.kill();
    else await this.postgres.stop();
    this.postgres = await startPostgresProcess(this.postgresDir, this.postgresPort);
  }

  token(role: Role, tenant?: string): Promise<string> {
    return mintToken(this.signingKey, {
      role,
      tenant,
      subject: `chaos-${role}${tenant ? `-${tenant}` : ''}`,
      ttl: '2h',
    });
  }

  async clients(index: number, role: Role, tenant?: string): Promise<LoomClients> {
    return createLoomClients(this.slot(index).address, await this.token(role, tenant));
  }

  /** The shared devices, as a test reads them (the engines keep their own handles). */
  fabric(): Promise<SimulatedFabric> {
    return openFileBackedFabric({ directory: this.fabricDir });
  }

  databaseUrl(): string {
    return this.postgres.url;
  }

  /** Every log line of every engine so far, running or not. */
  logs(): string {
    return this.slots.map((slot) => slot.logs + (slot.process?.output() ?? '')).join('');
  }

  async credentialsFile(): Promise<{ password: string }> {
    return JSON.parse(
      await readFile(join(this.postgresDir, 'postgres-credentials.json'), 'utf8'),
    ) as { password: string };
  }

  async stop(): Promise<void> {
    for (const slot of this.slots) {
      const engine = slot.process;
      slot.process = undefined;
      if (engine) {
        await engine.stop('SIGTERM');
        slot.logs += engine.output();
      }
    }
    await this.postgres.stop();
    await rm(this.dataDir, { recursive: true, force: true });
    await rm(this.postgresDir, { recursive: true, force: true });
  }

  private slot(index: number): EngineSlot {
    const slot = this.slots[index];
    if (!slot) throw new Error(`no engine ${index}`);
    return slot;
  }
}
