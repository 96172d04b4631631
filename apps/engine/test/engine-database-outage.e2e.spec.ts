import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { eventually, grpcHealthOf, httpHealthOf } from '../../../test/support/engine-health';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import { freePort } from '../../../test/support/free-port';
import type { LoomClients } from '../../../test/support/grpc-client';
import { decodeGrpcError } from '../../../test/support/grpc-errors';
import {
  boundPortBody,
  createTenantSubnet,
  finished,
} from '../../../test/support/network-fixtures';
import { startPostgresProcess, type PostgresProcess } from '../../../test/support/postgres-process';

const loomServices = [
  'loom.v1.TenantService',
  'loom.v1.VpcService',
  'loom.v1.SubnetService',
  'loom.v1.PortService',
  'loom.v1.OperationService',
  'loom.v1.WatchService',
];

/** Every health the engine reports: gRPC for the server and each service, and GET /healthz. */
async function healthOf(engine: TestEngine, httpPort: number) {
  const grpc = await Promise.all(
    ['', ...loomServices].map((service) => grpcHealthOf(engine.address, service)),
  );
  return { grpc: [...new Set(grpc)], http: await httpHealthOf(httpPort) };
}

/** The gRPC code a call ends with (0 for OK), and its message. */
function outcomeOf(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  return call.then(
    () => ({ code: status.OK, message: '' }),
    (error: unknown) => {
      const { code, message } = decodeGrpcError(error);
      return { code, message };
    },
  );
}

describe('an engine whose database goes away and comes back (DATABASE_URL)', () => {
  let postgresDir: string;
  let postgresPort: number;
  let postgres: PostgresProcess | undefined;
  let engine: TestEngine;
  let httpPort: number;
  let portal: LoomClients;

  async function startPostgres(): Promise<PostgresProcess> {
    postgres = await startPostgresProcess(postgresDir, postgresPort);
    return postgres;
  }

  beforeAll(async () => {
    postgresDir = await mkdtemp(join(tmpdir(), 'loom-outage-pg-'));
    postgresPort = await freePort();
    const server = await startPostgres();
    httpPort = await freePort();
    engine = await startTestEngine({
      DATABASE_URL: server.url,
      LOOM_HTTP_PORT: String(httpPort),
    });
    portal = await engine.clientsAs('portal');
  });

  afterAll(async () => {
    await engine.stop();
    await postgres?.stop();
    await rm(postgresDir, { recursive: true, force: true });
  });

  it('answers UNAVAILABLE and reports NOT_SERVING while it is down, then serves again by itself', async () => {
    await createTenantSubnet(portal, { vpcs: 2, subnets: 2, ports: 4 });
    expect(await healthOf(engine, httpPort)).toEqual({
      grpc: ['SERVING'],
      http: { status: 200, body: { status: 'ok' } },
    });

    await postgres?.stop();
    postgres = undefined;

    expect(
      await eventually(
        () => healthOf(engine, httpPort),
        (health) => health.grpc.join() === 'NOT_SERVING',
      ),
    ).toEqual({
      grpc: ['NOT_SERVING'],
      http: { status: 503, body: { status: 'unavailable', reason: 'database-unavailable' } },
    });
    const unavailable = { code: status.UNAVAILABLE, message: expect.stringContaining('retry') };
    expect(await outcomeOf(portal.tenants.getTenant({ name: 'tenants/acme' }))).toEqual(
      unavailable,
    );
    expect(await outcomeOf(portal.tenants.listTenants({ pageSize: 0, pageToken: '' }))).toEqual(
      unavailable,
    );
    expect(
      await outcomeOf(
        portal.ports.createPort({
          parent: 'tenants/acme/vpcs/f/subnets/a',
          portId: 'during',
          port: boundPortBody('leaf1', 'swp1'),
          requestId: '',
        }),
      ),
    ).toEqual(unavailable);

    await startPostgres();

    expect(
      await eventually(
        () => healthOf(engine, httpPort),
        (health) => health.grpc.join() === 'SERVING' && health.http.status === 200,
      ),
    ).toEqual({ grpc: ['SERVING'], http: { status: 200, body: { status: 'ok' } } });
    expect(await portal.tenants.getTenant({ name: 'tenants/acme' })).toMatchObject({
      name: 'tenants/acme',
    });
    // Writes, the fabric work dispatcher and the saga worker are back too: a port goes ACTIVE.
    const operation = await finished(
      portal,
      await portal.ports.createPort({
        parent: 'tenants/acme/vpcs/f/subnets/a',
        portId: 'after',
        port: boundPortBody('leaf1', 'swp2'),
        requestId: '',
      }),
      60,
    );
    expect(operation).toMatchObject({ done: true, error: null });
    expect(
      await portal.ports.getPort({ name: 'tenants/acme/vpcs/f/subnets/a/ports/after' }),
    ).toMatchObject({ status: 'ACTIVE' });

    // The same process throughout, and one line each way.
    expect(engine.process.child.exitCode).toBeNull();
    const messages = engine.process
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages.filter((msg) => msg.startsWith('database unavailable'))).toHaveLength(1);
    expect(messages.filter((msg) => msg === 'database available again')).toHaveLength(1);
  });

  it('answers UNAVAILABLE at once, not at the deadline, while its database hangs (SIGSTOP), then serves again', async () => {
    // Regression (chaos campaign): with the server paused, connections stay open and nothing
    // answers; calls waited for their deadline (DEADLINE_EXCEEDED) while health said NOT_SERVING.
    await postgres?.signalServer('SIGSTOP');
    try {
      await eventually(
        () => healthOf(engine, httpPort),
        (health) => health.grpc.join() === 'NOT_SERVING',
      );
      const started = Date.now();
      const outcome = await outcomeOf(
        portal.tenants.getTenant({ name: 'tenants/acme' }, { deadline: Date.now() + 10_000 }),
      );
      expect({ ...outcome, fast: Date.now() - started < 2_000 }).toEqual({
        code: status.UNAVAILABLE,
        message: expect.stringContaining('retry'),
        fast: true,
      });
    } finally {
      await postgres?.signalServer('SIGCONT');
    }
    await eventually(
      () => healthOf(engine, httpPort),
      (health) => health.grpc.join() === 'SERVING',
      30_000,
    );
    expect(await portal.tenants.getTenant({ name: 'tenants/acme' })).toMatchObject({
      name: 'tenants/acme',
    });
  });
});
