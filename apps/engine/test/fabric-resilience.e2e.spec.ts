import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openFileBackedFabric, type FabricCounters, type FabricState } from '@loom/fabric';
import { startEngine } from '../../../test/support/engine-process';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import { freePort } from '../../../test/support/free-port';
import type { LoomClients } from '../../../test/support/grpc-client';
import {
  boundPortBody,
  finished,
  subnetBody,
  tenantBody,
  vpcBody,
} from '../../../test/support/network-fixtures';

const quota = { vpcs: 50, subnets: 50, ports: 500 };

async function setUpTenant(portal: LoomClients, vpcs: number): Promise<void> {
  await portal.tenants.createTenant({ tenantId: 'acme', tenant: tenantBody(quota), requestId: '' });
  for (let index = 0; index < vpcs; index += 1) {
    await finished(
      portal,
      await portal.vpcs.createVpc({
        parent: 'tenants/acme',
        vpcId: `v${index}`,
        vpc: vpcBody(['10.0.0.0/16']),
        requestId: '',
      }),
    );
    await finished(
      portal,
      await portal.subnets.createSubnet({
        parent: `tenants/acme/vpcs/v${index}`,
        subnetId: 's',
        subnet: subnetBody('10.0.0.0/20'),
        requestId: '',
      }),
    );
  }
}

/** Effects the devices hold must each have been applied exactly once: no duplicate, no loss. */
function expectEachEffectOnce(state: FabricState, counters: FabricCounters): void {
  for (const [device, configuration] of Object.entries(state)) {
    const applied = counters[device] ?? {};
    const bindings = configuration.l2Vnis.reduce((sum, l2Vni) => sum + l2Vni.interfaces.length, 0);
    expect({
      device,
      vrfs: applied.createVrf?.applied ?? 0,
      bgp: applied.configureBgpEvpn?.applied ?? 0,
      bindings: applied.bindL2Vni?.applied ?? 0,
    }).toEqual({
      device,
      vrfs: configuration.vrfs.length,
      bgp: configuration.vrfs.filter((vrf) => vrf.bgpEvpn).length,
      bindings,
    });
  }
}

describe('fabric sagas under capacity limits, crashes and two workers', () => {
  describe('a leaf at capacity', () => {
    let engine: TestEngine;
    let topologyDir: string;

    beforeAll(async () => {
      topologyDir = await mkdtemp(join(tmpdir(), 'loom-topology-'));
      const topology = {
        devices: [
          {
            name: 'spine1',
            role: 'spine',
            loopback: '10.254.0.101',
            asn: 65100,
            interfaces: ['swp1'],
          },
          {
            name: 'tiny',
            role: 'leaf',
            loopback: '10.254.0.1',
            asn: 65101,
            interfaces: ['swp1', 'swp2', 'swp3'],
            capacity: { maxVrfs: 2, maxL2Vnis: 10, maxL3Vnis: 2 },
          },
        ],
      };
      await writeFile(join(topologyDir, 'topology.json'), JSON.stringify(topology));
      engine = await startTestEngine({ LOOM_FABRIC_TOPOLOGY: join(topologyDir, 'topology.json') });
    });
    afterAll(async () => {
      await engine.stop();
      await rm(topologyDir, { recursive: true, force: true });
    });

    it('fails the third VPC attach cleanly, undoes it, and says why', async () => {
      const portal = await engine.clientsAs('portal');
      await setUpTenant(portal, 3);
      const fabric = await openFileBackedFabric({ directory: join(engine.dataDir, 'fabric') });
      for (const index of [0, 1]) {
        const ok = await finished(
          portal,
          await portal.ports.createPort({
            parent: `tenants/acme/vpcs/v${index}/subnets/s`,
            portId: 'p',
            port: boundPortBody('tiny', `swp${index + 1}`),
            requestId: '',
          }),
        );
        expect(ok.error).toBeNull();
      }
      const before = await fabric.snapshot();
      const full = await finished(
        portal,
        await portal.ports.createPort({
          parent: 'tenants/acme/vpcs/v2/subnets/s',
          portId: 'p',
          port: boundPortBody('tiny', 'swp3'),
          requestId: '',
        }),
      );
      expect(full.error).toMatchObject({ code: 8, message: expect.stringContaining('capacity') });
      expect(await fabric.snapshot()).toEqual(before);
      expect(
        (await portal.ports.getPort({ name: 'tenants/acme/vpcs/v2/subnets/s/ports/p' })).status,
      ).toBe('ERROR');
      const unknownLeaf = portal.ports.createPort({
        parent: 'tenants/acme/vpcs/v2/subnets/s',
        portId: 'q',
        port: boundPortBody('leaf9'),
        requestId: '',
      });
      await expect(unknownLeaf).rejects.toMatchObject({ code: 3 });
    });
  });

  describe('a worker killed with SIGKILL in the middle of sagas', () => {
    let engine: TestEngine;

    beforeAll(async () => {
      engine = await startTestEngine({ LOOM_FABRIC_LATENCY_MS: '400', LOOM_SAGA_LEASE_MS: '1500' });
    });
    afterAll(async () => {
      await engine.stop();
    });

    it('resumes them on restart and applies every device effect exactly once', async () => {
      let portal = await engine.clientsAs('portal');
      await setUpTenant(portal, 2);
      const operations = [];
      for (let index = 0; index < 12; index += 1) {
        operations.push(
          await portal.ports.createPort({
            parent: `tenants/acme/vpcs/v${index % 2}/subnets/s`,
            portId: `p${index}`,
            port: boundPortBody(`leaf${1 + (index % 4)}`, `swp${1 + index}`),
            requestId: '',
          }),
        );
      }
      // Each leaf works through 3 sagas of 3 steps of 400 ms: most are still in flight now.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await engine.restart('SIGKILL');
      portal = await engine.clientsAs('portal');
      const done = await Promise.all(
        operations.map((operation) => finished(portal, operation, 60)),
      );
      expect(done.map((operation) => [operation.done, operation.error])).toEqual(
        operations.map(() => [true, null]),
      );
      const fabric = await openFileBackedFabric({ directory: join(engine.dataDir, 'fabric') });
      const state = await fabric.snapshot();
      expect(state['leaf1']?.l2Vnis.flatMap((l2Vni) => l2Vni.interfaces).sort()).toEqual([
        'swp1',
        'swp5',
        'swp9',
      ]);
      expectEachEffectOnce(state, await fabric.counters());
      // The kill did land in the middle of saga steps: the new worker took them over.
      const client = new Client({ connectionString: await engine.databaseUrl() });
      await client.connect();
      try {
        const { rows } = await client.query<{ interrupted: string }>(
          `SELECT count(*) AS interrupted FROM event_store.events
           WHERE event_type = 'SagaStepFailed' AND data->>'cause' = 'interrupted'`,
        );
        expect(Number(rows[0]?.interrupted)).toBeGreaterThan(0);
      } finally {
        await client.end();
      }
    });
  });

  describe('two worker processes', () => {
    let engine: TestEngine;
    let secondDataDir: string;

    beforeAll(async () => {
      engine = await startTestEngine();
      secondDataDir = await mkdtemp(join(tmpdir(), 'loom-second-'));
    });
    afterAll(async () => {
      await engine.stop();
      await rm(secondDataDir, { recursive: true, force: true });
    });

    it('share 200 concurrent sagas, and no step runs twice', async () => {
      const portal = await engine.clientsAs('portal');
      await setUpTenant(portal, 4);
      // A second engine process on the same database and the same devices: another worker.
      const second = startEngine({
        DATABASE_URL: await engine.databaseUrl(),
        LOOM_DATA_DIR: secondDataDir,
        LOOM_FABRIC_DIR: join(engine.dataDir, 'fabric'),
        LOOM_GRPC_PORT: String(await freePort()),
        LOOM_GRPC_HOST: '127.0.0.1',
        LOOM_HTTP_PORT: String(await freePort()),
      });
      try {
        await second.waitForLog('Loom engine ready', 30_000);
        const created = await Promise.all(
          Array.from({ length: 200 }, (_, index) =>
            portal.ports.createPort({
              parent: `tenants/acme/vpcs/v${index % 4}/subnets/s`,
              portId: `p${index}`,
              port: boundPortBody(
                `leaf${1 + (index % 4)}`,
                `swp${1 + (Math.floor(index / 4) % 48)}`,
              ),
              requestId: '',
            }),
          ),
        );
        const done = await Promise.all(
          created.map((operation) => finished(portal, operation, 120)),
        );
        expect(done.filter((operation) => operation.done && operation.error === null)).toHaveLength(
          200,
        );
      } finally {
        await second.stop('SIGTERM');
      }
      const client = new Client({ connectionString: await engine.databaseUrl() });
      await client.connect();
      try {
        const { rows } = await client.query<{ steps: string; attempts: string; workers: string }>(
          `SELECT count(*) AS steps, count(*) FILTER (WHERE (data->>'attempt')::int > 1) AS attempts,
                  count(DISTINCT metadata->>'actor') AS workers
           FROM event_store.events WHERE event_type = 'SagaStepStarted' AND stream_name LIKE 'saga-%'`,
        );
        expect(rows[0]).toEqual({ steps: String(200 * 3), attempts: '0', workers: '2' });
      } finally {
        await client.end();
      }
      const fabric = await openFileBackedFabric({ directory: join(engine.dataDir, 'fabric') });
      expectEachEffectOnce(await fabric.snapshot(), await fabric.counters());
    });
  });
});
