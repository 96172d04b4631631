import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { loadOrCreateSigningKey, mintToken } from '@loom/access';
import { startEngine, type EngineProcess } from '../../../test/support/engine-process';
import { freePort } from '../../../test/support/free-port';
import { createLoomClients } from '../../../test/support/grpc-client';
import { grpcErrorOf } from '../../../test/support/grpc-errors';
import { listServices, servicesInFileContaining } from '../../../test/support/grpc-reflection';

const loomServices = [
  'loom.v1.OperationService',
  'loom.v1.PortService',
  'loom.v1.SubnetService',
  'loom.v1.TenantService',
  'loom.v1.VpcService',
  'loom.v1.WatchService',
];

/** grpc.health.v1.Health/Check, as a load balancer or Kubernetes probe asks it. */
async function healthOf(address: string, service: string): Promise<string> {
  const check = loadSync(healthProtoPath, { enums: String })['grpc.health.v1.Health'];
  const method = check && !('format' in check) ? check['Check'] : undefined;
  if (!method) throw new Error('no grpc.health.v1.Health/Check');
  const client = new Client(address, credentials.createInsecure());
  try {
    return await new Promise((resolve, reject) => {
      client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        { service },
        new Metadata(),
        { deadline: Date.now() + 5000 },
        (error: ServiceError | null, response?: object) => {
          if (error) reject(error);
          else resolve(String((response as { status?: unknown } | undefined)?.status));
        },
      );
    });
  } finally {
    client.close();
  }
}

describe('the engine gRPC server', () => {
  let dataDir: string;
  let engine: EngineProcess;
  let grpcAddress: string;
  let httpPort: number;
  let grpcPort: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loom-grpc-'));
    grpcPort = await freePort();
    httpPort = await freePort();
    grpcAddress = `127.0.0.1:${grpcPort}`;
    engine = startEngine({
      LOOM_DATA_DIR: dataDir,
      LOOM_EMBEDDED_PG_PORT: String(await freePort()),
      LOOM_GRPC_PORT: String(grpcPort),
      LOOM_HTTP_PORT: String(httpPort),
    });
    await engine.waitForLog('Loom engine ready', 30_000);
  });

  afterAll(async () => {
    await engine.stop('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('says where it listens in the ready line', async () => {
    expect(await engine.waitForLog('Loom engine ready')).toMatchObject({ grpcPort, httpPort });
  });

  it('answers GET /healthz', async () => {
    const response = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it.each(['v1alpha', 'v1'] as const)(
    'lists the loom.v1 services and health through reflection %s',
    async (version) => {
      const services = await listServices(grpcAddress, version);
      expect(services).toEqual(expect.arrayContaining([...loomServices, 'grpc.health.v1.Health']));
      expect(
        await servicesInFileContaining(grpcAddress, version, 'loom.v1.TenantService'),
      ).toContain('loom.v1.TenantService');
    },
  );

  it('reports SERVING for the server and each loom.v1 service', async () => {
    for (const service of ['', ...loomServices]) {
      expect(await healthOf(grpcAddress, service)).toBe('SERVING');
    }
  });

  it('answers a call without a valid token UNAUTHENTICATED', async () => {
    const anonymous = createLoomClients(grpcAddress, undefined);
    const forged = createLoomClients(
      grpcAddress,
      await mintToken(await loadOrCreateSigningKey(join(dataDir, 'elsewhere')), {
        role: 'portal',
        subject: 'mallory',
        ttl: '5m',
      }),
    );
    try {
      for (const clients of [anonymous, forged]) {
        expect(
          await grpcErrorOf(clients.tenants.getTenant({ name: 'tenants/acme' })),
        ).toMatchObject({
          code: status.UNAUTHENTICATED,
        });
        expect(
          await grpcErrorOf(
            clients.vpcs.listVpcs({ parent: 'tenants/acme', pageSize: 0, pageToken: '' }),
          ),
        ).toMatchObject({ code: status.UNAUTHENTICATED });
      }
    } finally {
      anonymous.close();
      forged.close();
    }
  });

  it('accepts a token signed with the key it created in its data directory', async () => {
    // What `loomctl token mint --data-dir <dir>` does.
    const token = await mintToken(await loadOrCreateSigningKey(dataDir), {
      role: 'auditor',
      subject: 'e2e',
      ttl: '5m',
    });
    const clients = createLoomClients(grpcAddress, token);
    try {
      const outcome = await clients.tenants.getTenant({ name: 'tenants/acme' }).then(
        () => status.OK,
        (error: unknown) => (error as ServiceError).code,
      );
      expect(outcome).not.toBe(status.UNAUTHENTICATED);
    } finally {
      clients.close();
    }
  });

  it('drains and stops on SIGTERM', async () => {
    expect(await engine.stop('SIGTERM')).toBe(0);
    // Logged once everything, the database last, has stopped.
    expect(await engine.waitForLog('Loom engine stopped')).toMatchObject({
      signal: 'SIGTERM',
      grpc: 'drained',
    });
  });
});
