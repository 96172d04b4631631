import { join } from 'node:path';
import { Client } from 'pg';
import type { FabricDrift } from '@loom/api-contract';
import { openFileBackedFabric, type FabricState, type SimulatedFabric } from '@loom/fabric';
import { ensureLoomctlBuilt, runLoomctl } from '../../loomctl/test/loomctl-process';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import { grpcErrorOf } from '../../../test/support/grpc-errors';
import {
  boundPortBody,
  finished,
  subnetBody,
  tenantBody,
  vpcBody,
} from '../../../test/support/network-fixtures';

const VPC = 'tenants/acme/vpcs/blue';
const repairing = { reason: 'drift found by the nightly check', devices: [] };

/** Drift, repair and loomctl against a real engine whose devices are changed behind its back. */
describe('fabric drift', () => {
  let engine: TestEngine;
  let portal: LoomClients;
  let ops: LoomClients;
  let fabric: SimulatedFabric;

  const loomctl = (...args: string[]) =>
    runLoomctl(['fabric', ...args, '--address', engine.address, '--data-dir', engine.dataDir], {});

  /** Repairs run in the background: the drift is gone once every repair saga finished. */
  async function driftOnceSettled(seconds = 30): Promise<FabricDrift> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const drift = await ops.fabric.getFabricDrift({});
      if (drift.items.length === 0 || Date.now() > deadline) return drift;
      await new Promise((wake) => setTimeout(wake, 100));
    }
  }

  const tenantDevices = (state: FabricState) => ({ leaf1: state['leaf1'], leaf2: state['leaf2'] });

  beforeAll(async () => {
    const [started] = await Promise.all([startTestEngine(), ensureLoomctlBuilt()]);
    engine = started;
    portal = await engine.clientsAs('portal');
    ops = await engine.clientsAs('ops');
    fabric = await openFileBackedFabric({ directory: join(engine.dataDir, 'fabric') });
    await portal.tenants.createTenant({
      tenantId: 'acme',
      tenant: tenantBody({ vpcs: 5, subnets: 5, ports: 20 }),
      requestId: '',
    });
    await finished(
      portal,
      await portal.vpcs.createVpc({
        parent: 'tenants/acme',
        vpcId: 'blue',
        vpc: vpcBody(['10.0.0.0/16']),
        requestId: '',
      }),
    );
    for (const [subnetId, cidr] of [
      ['web', '10.0.1.0/24'],
      ['db', '10.0.2.0/24'],
    ] as const) {
      await finished(
        portal,
        await portal.subnets.createSubnet({
          parent: VPC,
          subnetId,
          subnet: subnetBody(cidr),
          requestId: '',
        }),
      );
    }
    const ports = [
      ['web', 'p1', 'leaf1', 'swp1'],
      ['web', 'p2', 'leaf1', 'swp2'],
      ['db', 'p3', 'leaf1', 'swp3'],
      ['web', 'p4', 'leaf2', 'swp1'],
      ['db', 'p5', 'leaf2', 'swp5'],
    ] as const;
    for (const [subnet, portId, leaf, switchInterface] of ports) {
      const operation = await finished(
        portal,
        await portal.ports.createPort({
          parent: `${VPC}/subnets/${subnet}`,
          portId,
          port: boundPortBody(leaf, switchInterface),
          requestId: '',
        }),
      );
      expect(operation).toMatchObject({ done: true, error: null });
    }
  });
  afterAll(async () => {
    await engine.stop();
  });

  it('lets operators, the portal and auditors read the drift; only operators and the portal repair', async () => {
    const auditor = await engine.clientsAs('auditor');
    const tenant = await engine.clientsAs('tenant', 'acme');
    await expect(auditor.fabric.getFabricDrift({})).resolves.toEqual({
      items: [],
      unreachableDevices: [],
    });
    await expect(portal.fabric.getFabricDrift({})).resolves.toMatchObject({ items: [] });
    for (const call of [
      auditor.fabric.repairFabricDrift(repairing),
      tenant.fabric.getFabricDrift({}),
      tenant.fabric.repairFabricDrift(repairing),
    ]) {
      expect(await grpcErrorOf(call)).toMatchObject({ codeName: 'PERMISSION_DENIED' });
    }
    await expect(ops.fabric.repairFabricDrift(repairing)).resolves.toEqual({
      repairId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sagaIds: [],
      unreachableDevices: [],
    });
  });

  it('refuses a repair without a reason, or of an unknown device, naming the field and writing nothing', async () => {
    const events = async (): Promise<number> => {
      const client = new Client({ connectionString: await engine.databaseUrl() });
      await client.connect();
      try {
        const { rows } = await client.query<{ count: string }>(
          'SELECT count(*) FROM event_store.events',
        );
        return Number(rows[0]?.count);
      } finally {
        await client.end();
      }
    };
    const before = await events();
    expect(
      await grpcErrorOf(ops.fabric.repairFabricDrift({ reason: '', devices: [] })),
    ).toMatchObject({
      codeName: 'INVALID_ARGUMENT',
      badRequest: { fieldViolations: [expect.objectContaining({ field: 'reason' })] },
    });
    expect(
      await grpcErrorOf(ops.fabric.repairFabricDrift({ reason: 'a reason', devices: ['spine1'] })),
    ).toMatchObject({
      codeName: 'INVALID_ARGUMENT',
      badRequest: { fieldViolations: [expect.objectContaining({ field: 'devices' })] },
    });
    expect(await events()).toBe(before);
  });

  it('lists changes made behind its back, repairs them, and loomctl exits 3 then 0', async () => {
    expect(await ops.fabric.getFabricDrift({})).toEqual({ items: [], unreachableDevices: [] });
    const clean = await loomctl('drift');
    expect(clean).toMatchObject({ code: 0 });
    expect(clean.stdout).toContain('no drift');
    const intended = tenantDevices(await fabric.snapshot());

    const vpc = await portal.vpcs.getVpc({ name: VPC });
    const web = await portal.subnets.getSubnet({ name: `${VPC}/subnets/web` });
    // leaf1 loses one interface of a binding; leaf2's VRF loses BGP EVPN and gains a stranger.
    await fabric.tamper('leaf1', (state) => ({
      ...state,
      l2Vnis: state.l2Vnis.map((l2) =>
        l2.l2Vni === web.l2Vni
          ? { ...l2, interfaces: l2.interfaces.filter((name) => name !== 'swp2') }
          : l2,
      ),
    }));
    await fabric.tamper('leaf2', (state) => ({
      ...state,
      vrfs: [
        ...state.vrfs.map((vrf) => ({ ...vrf, bgpEvpn: false })),
        {
          name: 'rogue',
          l3Vni: 59_999,
          rd: '65000:59999',
          importRts: ['65000:59999'],
          exportRts: ['65000:59999'],
          bgpEvpn: false,
        },
      ],
    }));

    const item = { vrf: '', l2Vni: 0, interface: '', prefix: '', fields: [] };
    const expected: FabricDrift = {
      items: [
        {
          ...item,
          device: 'leaf1',
          kind: 'MISSING' as never,
          item: `l2vni ${web.l2Vni} interface swp2`,
          l2Vni: web.l2Vni,
          interface: 'swp2',
        },
        { ...item, device: 'leaf2', kind: 'UNEXPECTED' as never, item: 'vrf rogue', vrf: 'rogue' },
        {
          ...item,
          device: 'leaf2',
          kind: 'DIFFERENT' as never,
          item: `vrf ${vpc.vrfName}`,
          vrf: vpc.vrfName,
          fields: [{ field: 'bgp_evpn', intended: 'true', actual: 'false' }],
        },
      ],
      unreachableDevices: [],
    };
    expect(await ops.fabric.getFabricDrift({})).toEqual(expected);

    const drifted = await loomctl('drift');
    expect(drifted).toMatchObject({ code: 3 });
    expect(drifted.stdout).toContain(`leaf1   missing     l2vni ${web.l2Vni} interface swp2`);
    expect(drifted.stdout).toContain('3 differences on 2 devices');
    const asJson = await loomctl('drift', '--json');
    expect(asJson.code).toBe(3);
    expect(JSON.parse(asJson.stdout)).toEqual(expected);

    const repair = await ops.fabric.repairFabricDrift(repairing);
    expect(repair).toEqual({
      repairId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sagaIds: [
        expect.stringMatching(/^repair-leaf1-[0-9a-f-]{36}$/),
        expect.stringMatching(/^repair-leaf2-[0-9a-f-]{36}$/),
      ],
      unreachableDevices: [],
    });
    expect(await driftOnceSettled()).toEqual({ items: [], unreachableDevices: [] });
    expect(tenantDevices(await fabric.snapshot())).toEqual(intended);
    expect(await loomctl('drift')).toMatchObject({ code: 0 });
  });

  it('repairs through loomctl: a leaf wiped clean gets its whole configuration back', async () => {
    const intended = tenantDevices(await fabric.snapshot());
    await fabric.tamper('leaf1', () => ({ vrfs: [], l2Vnis: [], prefixes: [] }));
    const unexplained = await loomctl('repair');
    expect(unexplained).toMatchObject({ code: 2, stderr: expect.stringContaining('--reason') });
    const repaired = await loomctl('repair', '--reason', 'leaf1 was wiped by hand');
    expect(repaired).toMatchObject({ code: 0 });
    expect(repaired.stdout.trim()).toMatch(/^repair-leaf1-[0-9a-f-]{36}$/);
    expect(repaired.stderr).toMatch(/repair [0-9a-f-]{36} recorded/);
    expect(await driftOnceSettled()).toEqual({ items: [], unreachableDevices: [] });
    expect(tenantDevices(await fabric.snapshot())).toEqual(intended);
  });
});
