import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadOrCreateSigningKey, mintToken } from '@loom/access';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import { decodeGrpcError, grpcErrorOf } from '../../../test/support/grpc-errors';
import { boundPortBody, createTenantSubnet, vpcBody } from '../../../test/support/network-fixtures';

const long = 'x'.repeat(40_000);
/** What a cut-short echo of `long` looks like (see quote in @loom/errors). */
const cutShort = `"${'x'.repeat(64)}…" (40000 characters)`;
const SUBNET = 'tenants/acme/vpcs/f/subnets/a';

/** [the call, the field the violation names], each with a value far over any HTTP/2 limit. */
function longValues(c: LoomClients, deadline: number): [string, () => Promise<unknown>, string][] {
  const options = { deadline };
  return [
    [
      'GetTenant: a 40,000-character name',
      () => c.tenants.getTenant({ name: `tenants/${long}` }, options),
      'name',
    ],
    [
      'CreatePort: a 40,000-character binding.interface',
      () =>
        c.ports.createPort(
          {
            parent: SUBNET,
            portId: 'p',
            port: {
              ...boundPortBody('leaf1'),
              binding: { ...boundPortBody('leaf1').binding, interface: long },
            },
            requestId: '',
          },
          options,
        ),
      'port.binding.interface',
    ],
    [
      'ListVpcs: a 40,000-character parent',
      () => c.vpcs.listVpcs({ parent: `tenants/${long}`, pageSize: 0, pageToken: '' }, options),
      'parent',
    ],
    [
      'CreateVpc: a 40,000-character parent',
      () =>
        c.vpcs.createVpc(
          { parent: `tenants/${long}`, vpcId: 'v', vpc: vpcBody(['10.9.0.0/16']), requestId: '' },
          options,
        ),
      'parent',
    ],
    [
      'UpdateVpc: a 40,000-character update_mask path',
      () =>
        c.vpcs.updateVpc(
          {
            vpc: { ...vpcBody([]), name: 'tenants/acme/vpcs/f' },
            updateMask: { paths: [long] } as never,
          },
          options,
        ),
      'update_mask',
    ],
    [
      'UpdateVpc: 10,000 update_mask paths of 100 characters',
      () =>
        c.vpcs.updateVpc(
          {
            vpc: { ...vpcBody([]), name: 'tenants/acme/vpcs/f' },
            updateMask: {
              paths: Array.from({ length: 10_000 }, (_, index) => `${index}`.padEnd(100, 'y')),
            } as never,
          },
          options,
        ),
      'update_mask',
    ],
  ];
}

describe('hostile input at the gRPC edge', () => {
  let engine: TestEngine;
  let portal: LoomClients;
  let token: string;

  beforeAll(async () => {
    engine = await startTestEngine();
    portal = await engine.clientsAs('portal');
    await createTenantSubnet(portal, { vpcs: 2, subnets: 2, ports: 2 });
    token = await mintToken(await loadOrCreateSigningKey(engine.dataDir), {
      role: 'portal',
      subject: 'e2e-raw',
      ttl: '1h',
    });
  });
  afterAll(async () => {
    await engine.stop();
  });

  describe('a long invalid value', () => {
    it.each(longValues({} as LoomClients, 0).map(([label], index) => [label, index] as const))(
      'answers %s with INVALID_ARGUMENT at once, the value cut short, the connection unaffected',
      async (_label, index) => {
        const started = Date.now();
        const [, call, field] = longValues(portal, Date.now() + 10_000)[index]!;
        // Another call on the same connection, at the same time, and one after.
        const [error, beside] = await Promise.all([
          grpcErrorOf(call()),
          portal.tenants.getTenant({ name: 'tenants/acme' }, { deadline: Date.now() + 10_000 }),
        ]);
        expect(error.codeName).toBe('INVALID_ARGUMENT');
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(beside.name).toBe('tenants/acme');
        const violations = error.badRequest?.fieldViolations ?? [];
        expect(violations.map((violation) => violation.field)).toContain(field);
        expect(violations.length).toBeLessThanOrEqual(16);
        // Nothing of the value beyond a cut-short echo: a few KiB in all.
        expect(error.message.length).toBeLessThan(2_100);
        for (const { description } of violations) expect(description.length).toBeLessThan(600);
        expect(JSON.stringify(error)).not.toContain('x'.repeat(65));
        const after = await portal.vpcs.listVpcs(
          { parent: 'tenants/acme', pageSize: 0, pageToken: '' },
          { deadline: Date.now() + 5_000 },
        );
        expect(after.vpcs.map((vpc) => vpc.name)).toEqual(['tenants/acme/vpcs/f']);
      },
    );

    it('quotes a long id cut to its first 64 characters, with its length', async () => {
      const error = await grpcErrorOf(
        portal.vpcs.getVpc({ name: `tenants/acme/vpcs/a${long.slice(0, 99)}` }),
      );
      expect(error.badRequest?.fieldViolations[0]?.description).toBe(
        `vpc id "a${'x'.repeat(63)}…" (100 characters) must be 1-63 lower-case letters, digits or hyphens, start with a letter and not end with a hyphen`,
      );
      const path = await grpcErrorOf(
        portal.vpcs.updateVpc({
          vpc: { ...vpcBody([]), name: 'tenants/acme/vpcs/f' },
          updateMask: { paths: [long] } as never,
        }),
      );
      expect(path.badRequest?.fieldViolations[0]?.description).toContain(cutShort);
    });
  });

  describe('request bytes that are no request message', () => {
    const garbage = [
      ['an invalid wire type', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])],
      ['a field cut off before its value', Buffer.from([0x08])],
    ] as const;
    let raw: Client;
    beforeAll(() => {
      raw = new Client(engine.address, credentials.createInsecure());
    });
    afterAll(() => {
      raw.close();
    });

    const metadata = (withToken: boolean): Metadata => {
      const result = new Metadata();
      if (withToken) result.set('authorization', `Bearer ${token}`);
      return result;
    };
    const identity = (bytes: Buffer): Buffer => bytes;
    const unary = (path: string, bytes: Buffer, withToken = true) =>
      new Promise<ServiceError>((resolve, reject) => {
        raw.makeUnaryRequest(
          path,
          identity,
          identity,
          bytes,
          metadata(withToken),
          { deadline: Date.now() + 10_000 },
          (error) => {
            if (error) resolve(error);
            else reject(new Error(`${path} answered garbage with OK`));
          },
        );
      });

    it.each(
      garbage.flatMap(([label, bytes]) =>
        [
          '/loom.v1.TenantService/GetTenant',
          '/loom.v1.VpcService/CreateVpc',
          '/loom.v1.PortService/ListPorts',
          '/grpc.health.v1.Health/Check',
        ].map((path) => [label, path, bytes] as const),
      ),
    )('answers %s sent to %s with INVALID_ARGUMENT and BadRequest', async (_label, path, bytes) => {
      const error = decodeGrpcError(await unary(path, bytes));
      expect(error).toMatchObject({
        codeName: 'INVALID_ARGUMENT',
        message: `the request's bytes are no request message of ${path}`,
        badRequest: { fieldViolations: [{ field: '', description: error.message, reason: '' }] },
      });
    });

    it('answers them on a server-streaming method too (Watch)', async () => {
      const stream = raw.makeServerStreamRequest(
        '/loom.v1.WatchService/Watch',
        identity,
        identity,
        garbage[0][1],
        metadata(true),
        { deadline: Date.now() + 10_000 },
      );
      const error = await new Promise<unknown>((resolve) => {
        stream.on('error', resolve);
        stream.on('data', () => {
          resolve(new Error('a change was delivered'));
        });
      });
      expect(decodeGrpcError(error).codeName).toBe('INVALID_ARGUMENT');
    });

    it('authenticates first: without a token, garbage is UNAUTHENTICATED', async () => {
      const error = await unary('/loom.v1.TenantService/GetTenant', garbage[0][1], false);
      expect(decodeGrpcError(error).codeName).toBe('UNAUTHENTICATED');
    });

    it('goes on answering well-formed calls on the same connection', async () => {
      expect((await portal.tenants.getTenant({ name: 'tenants/acme' })).name).toBe('tenants/acme');
    });
  });
});
