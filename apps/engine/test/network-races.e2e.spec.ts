import { Client } from 'pg';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import { decodeGrpcError } from '../../../test/support/grpc-errors';
import { subnetBody, tenantBody, vpcBody } from '../../../test/support/network-fixtures';

const tenant = (vpcs: number) => tenantBody({ vpcs, subnets: 100, ports: 100 });
const vpc = (cidrBlocks = ['10.0.0.0/16']) => vpcBody(cidrBlocks);
const subnet = subnetBody;

function tally(results: PromiseSettledResult<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const key = result.status === 'fulfilled' ? 'OK' : decodeGrpcError(result.reason).codeName;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** 50 parallel gRPC calls racing for the last of something: exactly the allowed number win. */
describe('racing intents through the gRPC API', () => {
  let engine: TestEngine;
  let portal: LoomClients;

  beforeAll(async () => {
    engine = await startTestEngine({ LOOM_L3_VNI_RANGE: '70000-70004' });
    portal = await engine.clientsAs('portal');
  });
  afterAll(async () => {
    await engine.stop();
  });

  async function events(
    type: string,
  ): Promise<{ stream: string; data: Record<string, unknown> }[]> {
    const client = new Client({ connectionString: await engine.databaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ stream: string; data: Record<string, unknown> }>(
        'SELECT stream_name AS stream, data FROM event_store.events WHERE event_type = $1',
        [type],
      );
      return rows;
    } finally {
      await client.end();
    }
  }

  it('hands out the last 5 L3 VNIs to 5 of 50 VPC creates, never one twice', async () => {
    await portal.tenants.createTenant({ tenantId: 'vni', tenant: tenant(100), requestId: '' });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        portal.vpcs.createVpc({
          parent: 'tenants/vni',
          vpcId: `v${index}`,
          vpc: vpc(),
          requestId: '',
        }),
      ),
    );
    expect(tally(results)).toEqual({ OK: 5, RESOURCE_EXHAUSTED: 45 });
    const vnis = (await events('VpcCreated')).map(
      (event) => (event.data['routing'] as { l3Vni: number }).l3Vni,
    );
    expect([...vnis].sort()).toEqual([70000, 70001, 70002, 70003, 70004]);
  });

  it('never lets a tenant exceed its quota', async () => {
    await portal.tenants.createTenant({ tenantId: 'quota', tenant: tenant(2), requestId: '' });
    // Free VNIs first: the previous race used them all.
    for (let index = 0; index < 50; index += 1) {
      await portal.vpcs
        .deleteVpc({ name: `tenants/vni/vpcs/v${index}`, etag: '', requestId: '' })
        .catch(() => undefined);
    }
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        portal.vpcs.createVpc({
          parent: 'tenants/quota',
          vpcId: `q${index}`,
          vpc: vpc(),
          requestId: '',
        }),
      ),
    );
    expect(tally(results)).toEqual({ OK: 2, RESOURCE_EXHAUSTED: 48 });
    expect((await portal.tenants.getTenant({ name: 'tenants/quota' })).usage?.vpcs).toBe(2);
  });

  it('gives one name to one of 50 creators', async () => {
    await portal.tenants.createTenant({ tenantId: 'names', tenant: tenant(100), requestId: '' });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        portal.vpcs.createVpc({
          parent: 'tenants/names',
          vpcId: 'same',
          vpc: vpc(),
          requestId: '',
        }),
      ),
    );
    expect(tally(results)).toEqual({ OK: 1, ALREADY_EXISTS: 49 });
  });

  it('never lets two of 50 racing subnets of one VPC overlap', async () => {
    const blocks = ['10.0.0.0/24', '10.0.0.0/25', '10.0.0.128/25', '10.0.0.0/23', '10.0.1.0/24'];
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        portal.subnets.createSubnet({
          parent: 'tenants/names/vpcs/same',
          subnetId: `s${index}`,
          subnet: subnet(blocks[index % blocks.length]!),
          requestId: '',
        }),
      ),
    );
    const counts = tally(results);
    expect(Object.keys(counts).sort()).toEqual(['FAILED_PRECONDITION', 'OK']);
    const listed = await portal.subnets.listSubnets({
      parent: 'tenants/names/vpcs/same',
      pageSize: 100,
      pageToken: '',
    });
    expect(listed.subnets).toHaveLength(counts['OK']!);
    const ranges = listed.subnets.map((created) => {
      const [address = '', length = '0'] = created.cidr.split('/');
      const start = address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
      return [start, start + 2 ** (32 - Number(length)) - 1] as const;
    });
    for (const [index, [start, end]] of ranges.entries()) {
      for (const [otherStart, otherEnd] of ranges.slice(index + 1)) {
        expect(end < otherStart || otherEnd < start).toBe(true);
      }
    }
  });
});
