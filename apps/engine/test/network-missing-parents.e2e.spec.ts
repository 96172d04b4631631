import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import { decodeGrpcError, grpcErrorOf } from '../../../test/support/grpc-errors';
import { createTenantSubnet } from '../../../test/support/network-fixtures';

const page = { pageSize: 0, pageToken: '' };

/** Each List with a parent, and Watch, on `parent`. */
function listsAndWatch(c: LoomClients): Record<string, (parent: string) => Promise<unknown>> {
  return {
    ListVpcs: (parent) => c.vpcs.listVpcs({ parent, ...page }),
    ListSubnets: (parent) => c.subnets.listSubnets({ parent, ...page }),
    ListPorts: (parent) => c.ports.listPorts({ parent, ...page }),
    ListOperations: (parent) => c.operations.listOperations({ parent, ...page }),
    Watch: (parent) => firstWatchAnswer(c, parent),
  };
}

/** Watch is a stream: its refusal is the stream's error, expected within 5 s. */
function firstWatchAnswer(c: LoomClients, parent: string): Promise<never> {
  return new Promise((_, reject) => {
    const stream = c.watch.watch({ parent }, { deadline: Date.now() + 5_000 });
    stream.on('error', reject);
    stream.on('data', () => {
      reject(new Error('a change was delivered'));
    });
  });
}

/** [method, a parent that does not exist, of a tenant that does (acme) or not (ghost)]. */
const missing: [string, string][] = [
  ['ListVpcs', 'tenants/ghost'],
  ['ListSubnets', 'tenants/acme/vpcs/nope'],
  ['ListSubnets', 'tenants/ghost/vpcs/f'],
  ['ListPorts', 'tenants/acme/vpcs/f/subnets/nope'],
  ['ListPorts', 'tenants/acme/vpcs/nope/subnets/a'],
  ['ListOperations', 'tenants/ghost'],
  ['Watch', 'tenants/ghost'],
];

describe('lists and watches under a parent that does not exist', () => {
  let engine: TestEngine;
  let roles: Record<string, LoomClients>;

  beforeAll(async () => {
    engine = await startTestEngine();
    const portal = await engine.clientsAs('portal');
    await createTenantSubnet(portal, { vpcs: 2, subnets: 2, ports: 2 });
    roles = {
      portal,
      ops: await engine.clientsAs('ops'),
      auditor: await engine.clientsAs('auditor'),
      'tenant acme': await engine.clientsAs('tenant', 'acme'),
      // A token for a tenant that does not exist (or no longer does).
      'tenant ghost': await engine.clientsAs('tenant', 'ghost'),
    };
  });
  afterAll(async () => {
    await engine.stop();
  });

  it.each(
    ['portal', 'ops', 'auditor', 'tenant acme', 'tenant ghost'].flatMap((role) =>
      missing.map(([method, parent]) => [role, method, parent] as const),
    ),
  )(
    'answers %s %s on %s with NOT_FOUND naming the parent, at once',
    async (role, method, parent) => {
      const started = Date.now();
      const error = decodeGrpcError(
        await listsAndWatch(roles[role]!)[method]!(parent).then(
          () => new Error(`${method} answered OK`),
          (thrown: unknown) => thrown,
        ),
      );
      expect(error.codeName).toBe('NOT_FOUND');
      expect(Date.now() - started).toBeLessThan(5_000);
      // A tenant token on another tenant is refused before the parent is looked for: the name is
      // the parent all the same, so that nothing tells the two apart.
      expect(error.message).toBe(`${parent} not found`);
      expect(error.resourceInfo?.resourceName).toBe(parent);
    },
  );

  it('lists what exists under a parent that does, even nothing', async () => {
    const { portal } = roles;
    expect(
      (await portal!.vpcs.listVpcs({ parent: 'tenants/acme', ...page })).vpcs.map((v) => v.name),
    ).toEqual(['tenants/acme/vpcs/f']);
    expect(
      (await portal!.ports.listPorts({ parent: 'tenants/acme/vpcs/f/subnets/a', ...page })).ports,
    ).toEqual([]);
    expect(
      (await roles['tenant acme']!.subnets.listSubnets({ parent: 'tenants/acme/vpcs/f', ...page }))
        .subnets,
    ).toHaveLength(1);
  });

  it("answers Watch's malformed parent with INVALID_ARGUMENT and BadRequest, like every method", async () => {
    const error = await grpcErrorOf(firstWatchAnswer(roles['portal']!, 'tenants/acme/vpcs/f'));
    expect(error).toMatchObject({
      codeName: 'INVALID_ARGUMENT',
      badRequest: {
        fieldViolations: [
          {
            field: 'parent',
            description: 'must be a resource name like tenants/{tenant}',
            reason: '',
          },
        ],
      },
    });
  });
});
