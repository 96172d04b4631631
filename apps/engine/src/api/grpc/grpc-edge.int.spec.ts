import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Global, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod } from '@nestjs/microservices';
import { status, type Metadata } from '@grpc/grpc-js';
import { concat, of, throwError, type Observable } from 'rxjs';
import {
  ChangeType,
  toTimestamp,
  type GetTenantRequest,
  type ResourceChange,
  type Tenant,
  type UpdateTenantRequest,
} from '@loom/api-contract';
import { parseTenantName } from '@loom/names';
import { enforceAccess, loadOrCreateSigningKey, mintToken, principalOf } from '@loom/access';
import { createLogger } from '@loom/logging';
import { NotFoundError } from '@loom/errors';
import { createLoomClients, type LoomClients } from '../../../../../test/support/grpc-client';
import { decodeGrpcError, grpcErrorOf } from '../../../../../test/support/grpc-errors';
import { freePort } from '../../../../../test/support/free-port';
import { ConfigModule } from '../../config/config.module';
import { loadEngineConfig } from '../../config/engine.config';
import { DatabaseHealth } from '../../database/database-health';
import { EngineMetrics } from '../../metrics/engine-metrics';
import { ApiModule } from '../api.module';
import { readUpdateMask } from '../shared/update-mask';
import { connectGrpcEdge } from './grpc-edge';
import { GrpcServerLifecycle } from './grpc-server.lifecycle';

const tenant = (name: string, displayName: string): Tenant => ({
  name,
  displayName,
  quota: null,
  usage: null,
  etag: '"1"',
  createTime: toTimestamp('2025-01-01T00:00:00.000001Z'),
  updateTime: null,
});

/** Stands in for the real controllers: just enough to drive every part of the edge. */
@Controller()
class FakeTenantController {
  @GrpcMethod('TenantService', 'GetTenant')
  async getTenant(request: GetTenantRequest, metadata: Metadata): Promise<Tenant> {
    const principal = principalOf(metadata);
    const { tenant: id } = parseTenantName(request.name);
    enforceAccess(principal, 'read', id, request.name);
    if (id === 'missing') throw new NotFoundError(request.name);
    if (id === 'boom') throw new Error('connection to 10.1.2.3 refused');
    if (id === 'slow') await sleep(700);
    return tenant(request.name, `${principal.role}:${principal.subject}`);
  }

  @GrpcMethod('TenantService', 'UpdateTenant')
  updateTenant(request: UpdateTenantRequest): Tenant {
    const fields = readUpdateMask(request.updateMask, ['display_name', 'quota']);
    return tenant(request.tenant?.name ?? '', fields.join(','));
  }
}

@Controller()
class FakeWatchController {
  @GrpcMethod('WatchService', 'Watch')
  watch(): Observable<ResourceChange> {
    return concat(
      of<ResourceChange>({
        type: ChangeType.CREATED,
        resourceName: 'tenants/acme',
        tenant: tenant('tenants/acme', 'Acme'),
        position: '42',
      }),
      throwError(() => new NotFoundError('tenants/acme/vpcs/gone')),
    );
  }
}

describe('the gRPC edge, in process', () => {
  let dataDir: string;
  let app: INestApplication;
  let address: string;
  let portal: LoomClients;
  let acme: LoomClients;
  let anonymous: LoomClients;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loom-edge-'));
    const port = await freePort();
    address = `127.0.0.1:${port}`;
    const config = loadEngineConfig({
      LOOM_DATA_DIR: dataDir,
      LOOM_GRPC_HOST: '127.0.0.1',
      LOOM_GRPC_PORT: String(port),
      LOOM_SHUTDOWN_GRACE_MS: '5000',
    });
    // The edge alone, without a database (a DatabaseHealth never started counts it as available).
    @Global()
    @Module({
      providers: [
        { provide: DatabaseHealth, useValue: new DatabaseHealth('', createLogger('silent')) },
        EngineMetrics,
      ],
      exports: [DatabaseHealth, EngineMetrics],
    })
    class EdgeDependenciesModule {}
    @Module({
      imports: [
        ConfigModule.forRoot(config, createLogger('silent')),
        EdgeDependenciesModule,
        ApiModule,
      ],
      controllers: [FakeTenantController, FakeWatchController],
    })
    class EdgeTestModule {}
    app = await NestFactory.create(EdgeTestModule, { logger: false });
    connectGrpcEdge(app, config);
    await app.init();
    await app.startAllMicroservices();
    app.get(GrpcServerLifecycle).markServing();

    // The key the engine created in its data directory, as loomctl would use it.
    const key = await loadOrCreateSigningKey(dataDir);
    portal = createLoomClients(
      address,
      await mintToken(key, { role: 'portal', subject: 'portal-svc', ttl: '5m' }),
    );
    acme = createLoomClients(
      address,
      await mintToken(key, { role: 'tenant', tenant: 'acme', subject: 'alice', ttl: '5m' }),
    );
    anonymous = createLoomClients(address, undefined);
  });

  afterAll(async () => {
    for (const clients of [portal, acme, anonymous]) clients.close();
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('hands the handler the caller and the request in the generated types', async () => {
    await expect(portal.tenants.getTenant({ name: 'tenants/acme' })).resolves.toEqual({
      name: 'tenants/acme',
      displayName: 'portal:portal-svc',
      quota: null,
      usage: null,
      etag: '"1"',
      createTime: { seconds: '1735689600', nanos: 1000 },
      updateTime: null,
    });
    await expect(acme.tenants.getTenant({ name: 'tenants/acme' })).resolves.toMatchObject({
      displayName: 'tenant:alice',
    });
  });

  it('answers UNAUTHENTICATED without a valid token, implemented method or not', async () => {
    expect(await grpcErrorOf(anonymous.tenants.getTenant({ name: 'tenants/acme' }))).toMatchObject({
      code: status.UNAUTHENTICATED,
      message: 'no authorization: Bearer <token> metadata',
    });
    expect(
      await grpcErrorOf(
        anonymous.vpcs.listVpcs({ parent: 'tenants/acme', pageSize: 0, pageToken: '' }),
      ),
    ).toMatchObject({ code: status.UNAUTHENTICATED });
    const garbage = { metadata: { authorization: 'Bearer not.a.token' } };
    expect(
      await grpcErrorOf(anonymous.tenants.getTenant({ name: 'tenants/acme' }, garbage)),
    ).toMatchObject({
      code: status.UNAUTHENTICATED,
    });
    const expired = await mintToken(
      await loadOrCreateSigningKey(dataDir),
      { role: 'portal', subject: 'p', ttl: '1s' },
      new Date(Date.now() - 3_600_000),
    );
    expect(
      await grpcErrorOf(
        anonymous.tenants.getTenant(
          { name: 'tenants/acme' },
          { metadata: { authorization: `Bearer ${expired}` } },
        ),
      ),
    ).toMatchObject({ code: status.UNAUTHENTICATED, message: 'the access token has expired' });
  });

  it('lets an authenticated call reach methods no controller implements', async () => {
    expect(
      await grpcErrorOf(
        portal.vpcs.listVpcs({ parent: 'tenants/acme', pageSize: 0, pageToken: '' }),
      ),
    ).toMatchObject({ code: status.UNIMPLEMENTED });
  });

  it("answers another tenant's resource exactly like a missing one", async () => {
    const hidden = await grpcErrorOf(acme.tenants.getTenant({ name: 'tenants/globex' }));
    const missing = await grpcErrorOf(portal.tenants.getTenant({ name: 'tenants/missing' }));
    expect(hidden).toEqual({
      code: status.NOT_FOUND,
      codeName: 'NOT_FOUND',
      message: 'tenants/globex not found',
      resourceInfo: {
        resourceType: 'loom.v1.Tenant',
        resourceName: 'tenants/globex',
        owner: '',
        description: 'tenants/globex not found',
      },
    });
    expect(JSON.stringify(missing).replaceAll('missing', 'globex')).toBe(JSON.stringify(hidden));
  });

  it('maps bad input to INVALID_ARGUMENT with field violations', async () => {
    expect(await grpcErrorOf(portal.tenants.getTenant({ name: 'acme' }))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      badRequest: {
        fieldViolations: [{ field: 'name', description: expect.any(String) as unknown }],
      },
    });
  });

  it('hides unexpected errors behind INTERNAL', async () => {
    expect(await grpcErrorOf(portal.tenants.getTenant({ name: 'tenants/boom' }))).toEqual({
      code: status.INTERNAL,
      codeName: 'INTERNAL',
      message: 'internal error',
    });
  });

  it('carries the generated string[] update mask to the server', async () => {
    const request = (paths: string[]): UpdateTenantRequest => ({
      tenant: tenant('tenants/acme', 'x'),
      updateMask: paths,
    });
    await expect(
      portal.tenants.updateTenant(request(['quota', 'displayName'])),
    ).resolves.toMatchObject({
      displayName: 'display_name,quota',
    });
    expect(await grpcErrorOf(portal.tenants.updateTenant(request(['etag'])))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      badRequest: { fieldViolations: [expect.objectContaining({ field: 'update_mask' })] },
    });
  });

  it('streams changes, then ends a stream with a mapped error in its trailers', async () => {
    const stream = acme.watch.watch({ parent: 'tenants/acme' });
    const changes: ResourceChange[] = [];
    const failure = await new Promise<unknown>((resolve) => {
      stream.on('data', (change: ResourceChange) => changes.push(change));
      stream.on('error', resolve);
    });
    expect(changes).toEqual([
      expect.objectContaining({
        type: 'CREATED',
        resourceName: 'tenants/acme',
        tenant: expect.objectContaining({ displayName: 'Acme' }) as unknown,
        position: '42',
      }),
    ]);
    expect(decodeGrpcError(failure)).toMatchObject({
      code: status.NOT_FOUND,
      resourceInfo: expect.objectContaining({ resourceName: 'tenants/acme/vpcs/gone' }) as unknown,
    });
  });

  // Last: it stops the server.
  it('drains on shutdown: the call in flight finishes, new calls are refused', async () => {
    const inFlight = portal.tenants.getTenant({ name: 'tenants/slow' });
    await sleep(100);
    const closing = app.close();
    await expect(inFlight).resolves.toMatchObject({ name: 'tenants/slow' });
    await closing;
    const late = createLoomClients(address, undefined);
    try {
      expect(
        await grpcErrorOf(
          late.tenants.getTenant({ name: 'tenants/acme' }, { deadline: Date.now() + 2000 }),
        ),
      ).toMatchObject({ code: status.UNAVAILABLE });
    } finally {
      late.close();
    }
  });
});
