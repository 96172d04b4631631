import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, grpcHealthOf } from '../../../test/support/engine-health';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import { startEngine } from '../../../test/support/engine-process';
import { freePort } from '../../../test/support/free-port';
import { tenantBody } from '../../../test/support/network-fixtures';

/** The pid of the PostgreSQL server running on the engine's embedded cluster. */
async function postmasterPid(engine: TestEngine): Promise<number> {
  const pidFile = await readFile(join(engine.dataDir, 'postgres', 'postmaster.pid'), 'utf8');
  return Number(pidFile.split('\n')[0]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the data directory of an engine on its embedded PostgreSQL', () => {
  let engine: TestEngine;
  let postgresPort: number;

  beforeAll(async () => {
    postgresPort = await freePort();
    engine = await startTestEngine({ LOOM_EMBEDDED_PG_PORT: String(postgresPort) });
    const portal = await engine.clientsAs('portal');
    await portal.tenants.createTenant({
      tenantId: 'acme',
      tenant: tenantBody({ vpcs: 1, subnets: 1, ports: 1 }),
      requestId: '',
    });
  });

  afterAll(async () => {
    await engine.stop();
  });

  it('refuses a second engine at once, naming the process that holds it, and leaves the first alone', async () => {
    const postmaster = await postmasterPid(engine);
    const loggedBefore = engine.process.output().length;
    const startedAt = Date.now();
    const second = startEngine({
      LOOM_DATA_DIR: engine.dataDir,
      LOOM_EMBEDDED_PG_PORT: String(postgresPort),
      LOOM_GRPC_PORT: String(await freePort()),
      LOOM_HTTP_PORT: String(await freePort()),
    });
    expect(await second.stop('SIGCONT')).toBe(1);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    const firstPid = engine.process.child.pid;
    expect(second.output().trim()).toBe(
      `loom: data directory ${engine.dataDir} is in use by process ${String(firstPid)}: ` +
        'stop it first, or give this engine a LOOM_DATA_DIR of its own',
    );

    // The first engine and its PostgreSQL never noticed.
    expect(engine.process.child.exitCode).toBeNull();
    expect(await postmasterPid(engine)).toBe(postmaster);
    expect(isAlive(postmaster)).toBe(true);
    expect(await grpcHealthOf(engine.address)).toBe('SERVING');
    const auditor = await engine.clientsAs('auditor');
    expect(await auditor.tenants.getTenant({ name: 'tenants/acme' })).toMatchObject({
      name: 'tenants/acme',
    });
    expect(engine.process.output().slice(loggedBefore)).not.toMatch(/"level":(40|50|60)/);
  });

  it('stops with status 1 when its PostgreSQL is killed, and the next start takes the data over', async () => {
    const postmaster = await postmasterPid(engine);
    process.kill(postmaster, 'SIGKILL');
    expect(await engine.process.stop('SIGCONT')).toBe(1);
    const logged = await engine.process.waitForLog('Loom engine stopped');
    expect(logged).toMatchObject({ cause: 'embedded PostgreSQL exited' });
    expect(
      await engine.process.waitForLog(
        'the embedded PostgreSQL exited; the engine stops (started again, it takes the data over)',
      ),
    ).toMatchObject({ pid: postmaster, signal: 'SIGKILL' });

    await engine.restart();
    expect(
      await eventually(
        () => grpcHealthOf(engine.address),
        (state) => state === 'SERVING',
      ),
    ).toBe('SERVING');
    const auditor = await engine.clientsAs('auditor');
    expect(await auditor.tenants.getTenant({ name: 'tenants/acme' })).toMatchObject({
      name: 'tenants/acme',
    });
  });
});
