import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { PostgresEventStore } from '@loom/event-store';
import { startEngine } from '../../../test/support/engine-process';
import { freePort } from '../../../test/support/free-port';

describe('engine lifecycle on the embedded defaults', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loom-engine-'));
    env = { LOOM_DATA_DIR: dataDir, LOOM_EMBEDDED_PG_PORT: String(await freePort()) };
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function withStore<T>(use: (store: PostgresEventStore) => Promise<T>): Promise<T> {
    const credentials = JSON.parse(
      await readFile(join(dataDir, 'postgres-credentials.json'), 'utf8'),
    ) as {
      user: string;
      password: string;
    };
    const pool = new Pool({
      host: '127.0.0.1',
      port: Number(env['LOOM_EMBEDDED_PG_PORT']),
      user: credentials.user,
      password: credentials.password,
      database: 'loom',
    });
    try {
      return await use(new PostgresEventStore({ pool }));
    } finally {
      await pool.end();
    }
  }

  it('starts ready within 15 s, stops on SIGINT, and a second start sees the same events', async () => {
    const first = startEngine(env);
    const ready = await first.waitForLog('Loom engine ready', 15_000);
    expect(ready).toMatchObject({
      database: 'embedded',
      eventStore: 'postgres',
      lastPosition: '0',
    });

    const appended = await withStore((store) =>
      store.append(
        'tenant-acme',
        [{ type: 'TenantRegistered', data: { name: 'acme' } }],
        'no-stream',
      ),
    );
    expect(await first.stop('SIGINT')).toBe(0);
    // Logged once everything, the database last, has stopped.
    expect(await first.waitForLog('Loom engine stopped')).toMatchObject({ signal: 'SIGINT' });

    const second = startEngine(env);
    const readyAgain = await second.waitForLog('Loom engine ready', 15_000);
    expect(readyAgain['lastPosition']).toBe(appended.events[0]!.position.toString());
    const events = await withStore((store) => store.readStream('tenant-acme'));
    expect(events.map((event) => event.type)).toEqual(['TenantRegistered']);
    await second.stop('SIGTERM');
  });

  it('comes back after being killed with SIGKILL, with every acknowledged event', async () => {
    const engine = startEngine(env);
    await engine.waitForLog('Loom engine ready');
    const before = await withStore((store) =>
      store.append('tenant-beta', [{ type: 'TenantRegistered', data: {} }], 'any'),
    );
    expect(await engine.stop('SIGKILL')).toBe('SIGKILL');

    const restarted = startEngine(env);
    await restarted.waitForLog('Loom engine ready', 15_000);
    const events = await withStore((store) => store.readStream('tenant-beta'));
    expect(events.at(-1)?.position).toBe(before.events[0]!.position);
    await restarted.stop();
  });

  it('refuses bad configuration with a clear message and exit code 1', async () => {
    const engine = startEngine({ ...env, LOOM_EMBEDDED_PG_PORT: 'fifty', LOOM_LOG_LEVEL: 'loud' });
    expect(await engine.stop('SIGCONT')).toBe(1);
    expect(engine.output()).toContain('LOOM_EMBEDDED_PG_PORT must be a port number');
    expect(engine.output()).toContain('LOOM_LOG_LEVEL must be one of');
  });
});
