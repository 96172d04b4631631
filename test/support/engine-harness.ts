import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSigningKey, mintToken, type Role } from '@loom/access';
import { startEngine, type EngineProcess } from './engine-process';
import { freePort } from './free-port';
import { createLoomClients, type LoomClients } from './grpc-client';

export interface TestEngine {
  readonly address: string;
  /** The HTTP port (health, metrics, the dashboard), on 127.0.0.1. */
  readonly httpPort: number;
  readonly dataDir: string;
  process: EngineProcess;
  /** The engine's embedded PostgreSQL database, for checks the API does not show. */
  databaseUrl(): Promise<string>;
  /** Clients whose calls carry a fresh token of this role (and tenant). */
  clientsAs(role: Role, tenant?: string): Promise<LoomClients>;
  /** A fresh token of this role (and tenant), signed with the engine's key. */
  token(role: Role, tenant?: string): Promise<string>;
  /**
   * Stops the engine (SIGTERM) and starts it again on the same data directory and ports; `env`
   * changes its environment from then on (an API-only engine restarted as a full one).
   */
  restart(signal?: NodeJS.Signals, env?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The built engine as a real process on free ports and a temporary data directory, ready to be
 * called over a gRPC socket the way the cloud portal calls it.
 */
export async function startTestEngine(extraEnv: Record<string, string> = {}): Promise<TestEngine> {
  const dataDir = await mkdtemp(join(tmpdir(), 'loom-e2e-'));
  const grpcPort = await freePort();
  const postgresPort = await freePort();
  const httpPort = await freePort();
  const env: Record<string, string> = {
    LOOM_DATA_DIR: dataDir,
    LOOM_EMBEDDED_PG_PORT: String(postgresPort),
    LOOM_GRPC_PORT: String(grpcPort),
    LOOM_GRPC_HOST: '127.0.0.1',
    LOOM_HTTP_PORT: String(httpPort),
    LOOM_LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const key = await loadOrCreateSigningKey(dataDir);
  const clients: LoomClients[] = [];
  const launch = async (): Promise<EngineProcess> => {
    // LOOM_E2E_ENGINE_LOG_LEVEL=debug adds each stop step's line to what LOOM_E2E_ENGINE_LOGS shows.
    const level = process.env['LOOM_E2E_ENGINE_LOG_LEVEL'] ?? 'info';
    const engine = startEngine({ ...env, LOOM_LOG_LEVEL: level });
    await engine.waitForLog('Loom engine ready', 30_000);
    return engine;
  };
  const harness: TestEngine = {
    address: `127.0.0.1:${grpcPort}`,
    httpPort,
    dataDir,
    process: await launch(),
    async databaseUrl() {
      const { user, password } = JSON.parse(
        await readFile(join(dataDir, 'postgres-credentials.json'), 'utf8'),
      ) as { user: string; password: string };
      return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${postgresPort}/loom`;
    },
    token(role, tenant) {
      return mintToken(key, {
        role,
        tenant,
        subject: `e2e-${role}${tenant ? `-${tenant}` : ''}`,
        ttl: '1h',
      });
    },
    async clientsAs(role, tenant) {
      const token = await harness.token(role, tenant);
      const created = createLoomClients(harness.address, token);
      clients.push(created);
      return created;
    },
    async restart(signal = 'SIGTERM', changes = {}) {
      await harness.process.stop(signal);
      if (process.env['LOOM_E2E_ENGINE_LOGS']) process.stdout.write(harness.process.output());
      Object.assign(env, changes);
      harness.process = await launch();
    },
    async stop() {
      // LOOM_E2E_ENGINE_LOGS=1 shows what the engine logged, to debug a failing e2e test.
      if (process.env['LOOM_E2E_ENGINE_LOGS']) process.stdout.write(harness.process.output());
      for (const client of clients) client.close();
      await harness.process.stop('SIGTERM');
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
