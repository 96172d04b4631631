import { join } from 'node:path';
import { Client } from 'pg';
import { openFileBackedFabric, type FaultSpec, type SimulatedFabric } from '@loom/fabric';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import { grpcErrorOf } from '../../../test/support/grpc-errors';
import {
  boundPortBody,
  createTenantSubnet,
  finished,
} from '../../../test/support/network-fixtures';

const SUBNET = 'tenants/acme/vpcs/f/subnets/a';

const bareMetalBody = (leafSwitch: string, switchInterface: string) => ({
  ...boundPortBody(leafSwitch, switchInterface),
  kind: 'BARE_METAL' as never,
  binding: { host: 'bm-1', leafSwitch, interface: switchInterface, vlan: 0 },
});

/**
 * Bare-metal ports through the gRPC API on the simulated fabric: the interface in access mode,
 * never shared with VM VLANs or another server, given back on delete; a fault at every step of
 * their sagas leaves the devices as they were; drift of the access VLAN is found and repaired.
 */
describe('bare-metal ports', () => {
  let engine: TestEngine;
  let portal: LoomClients;
  let fabric: SimulatedFabric;
  let count = 0;

  const countEvents = async (): Promise<number> => {
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
  const create = async (body: ReturnType<typeof boundPortBody>, parent = SUBNET) => {
    count += 1;
    const portId = `p${count}`;
    const operation = await finished(
      portal,
      await portal.ports.createPort({ parent, portId, port: body, requestId: '' }),
    );
    return { name: `${parent}/ports/${portId}`, operation };
  };
  const remove = async (name: string) =>
    finished(portal, await portal.ports.deletePort({ name, etag: '', requestId: '' }));

  beforeAll(async () => {
    engine = await startTestEngine({ LOOM_DEVICE_TIMEOUT_MS: '400' });
    portal = await engine.clientsAs('portal');
    fabric = await openFileBackedFabric({ directory: join(engine.dataDir, 'fabric') });
    await createTenantSubnet(portal, { vpcs: 10, subnets: 10, ports: 100 });
  });
  afterAll(async () => {
    await engine.stop();
  });

  it('binds the interface untagged to the subnet, and deleting it leaves the interface unconfigured', async () => {
    const { name, operation } = await create(bareMetalBody('leaf1', 'swp5'));
    expect(operation).toMatchObject({ done: true, error: null });
    const port = await portal.ports.getPort({ name });
    expect(port).toMatchObject({ kind: 'BARE_METAL', status: 'ACTIVE' });
    const subnet = await portal.subnets.getSubnet({ name: SUBNET });
    expect((await fabric.readState('leaf1')).l2Vnis).toEqual([
      expect.objectContaining({
        l2Vni: subnet.l2Vni,
        vlan: port.binding?.vlan,
        interfaces: [],
        untaggedInterfaces: ['swp5'],
      }),
    ]);
    expect((await remove(name)).error).toBeNull();
    const leaf = await fabric.readState('leaf1');
    expect(JSON.stringify(leaf)).not.toContain('swp5');
    expect(leaf).toEqual({ vrfs: [], l2Vnis: [], prefixes: [] });
    // Given back: a VM trunk may take it now.
    const vm = await create(boundPortBody('leaf1', 'swp5'));
    expect(vm.operation.error).toBeNull();
    expect((await remove(vm.name)).error).toBeNull();
  });

  describe('refusals: FAILED_PRECONDITION or INVALID_ARGUMENT naming the field, nothing written', () => {
    let vm: string;
    let bareMetal: string;
    beforeAll(async () => {
      vm = (await create(boundPortBody('leaf2', 'swp1'))).name;
      bareMetal = (await create(bareMetalBody('leaf2', 'swp2'))).name;
    });
    afterAll(async () => {
      await remove(vm);
      await remove(bareMetal);
    });

    const refusals: [string, () => ReturnType<typeof bareMetalBody>, string, string][] = [
      [
        'a bare-metal port on a VM trunk interface',
        () => bareMetalBody('leaf2', 'swp1'),
        'FAILED_PRECONDITION',
        'INTERFACE_CARRIES_VM_VLANS',
      ],
      [
        "VM VLANs on a bare-metal port's interface",
        () => boundPortBody('leaf2', 'swp2'),
        'FAILED_PRECONDITION',
        'INTERFACE_IN_ACCESS_MODE',
      ],
      [
        "a second bare-metal port on one's interface",
        () => bareMetalBody('leaf2', 'swp2'),
        'FAILED_PRECONDITION',
        'INTERFACE_IN_ACCESS_MODE',
      ],
    ];
    it.each(refusals)('%s', async (_label, body, codeName, type) => {
      const before = await countEvents();
      const error = await grpcErrorOf(
        portal.ports.createPort({ parent: SUBNET, portId: 'refused', port: body(), requestId: '' }),
      );
      expect(error.codeName).toBe(codeName);
      expect(error.preconditionFailure?.violations[0]).toMatchObject({
        type,
        subject: 'port.binding.interface',
      });
      expect(await countEvents()).toBe(before);
    });

    it('an interface the leaf does not have or a malformed one is INVALID_ARGUMENT', async () => {
      const before = await countEvents();
      for (const iface of ['swp99', 'bad name']) {
        const error = await grpcErrorOf(
          portal.ports.createPort({
            parent: SUBNET,
            portId: 'refused',
            port: bareMetalBody('leaf2', iface),
            requestId: '',
          }),
        );
        expect(error.codeName).toBe('INVALID_ARGUMENT');
        expect(error.badRequest?.fieldViolations.map((v) => v.field)).toContain(
          'port.binding.interface',
        );
      }
      expect(await countEvents()).toBe(before);
    });
  });

  const provisionFaults: [string, FaultSpec][] = [
    ['createVrf refused', { effect: 'fail', device: 'leaf3', operationKind: 'createVrf' }],
    [
      'configureBgpEvpn refused',
      { effect: 'fail', device: 'leaf3', operationKind: 'configureBgpEvpn' },
    ],
    ['bindL2Vni refused', { effect: 'fail', device: 'leaf3', operationKind: 'bindL2Vni' }],
    [
      'bindL2Vni applied but never answering',
      { effect: 'lose-reply-time-out', device: 'leaf3', operationKind: 'bindL2Vni' },
    ],
  ];
  it.each(provisionFaults)(
    'undoes a bare-metal port provisioning with %s: devices exactly as before, the error on the operation',
    async (_label, fault) => {
      const before = await fabric.snapshot();
      await fabric.injectFault(fault);
      try {
        const { name, operation } = await create(bareMetalBody('leaf3', 'swp7'));
        expect(operation.done).toBe(true);
        expect(operation.error).toMatchObject({
          code: 14,
          message: expect.stringMatching(/fabric step .* failed and was undone/),
        });
        expect(await fabric.snapshot()).toEqual(before);
        expect(await portal.ports.getPort({ name })).toMatchObject({ status: 'ERROR' });
      } finally {
        await fabric.clearFaults();
      }
    },
  );

  it.each(['unbindL2Vni', 'removeBgpEvpn', 'deleteVrf'] as const)(
    'undoes a bare-metal port deprovisioning refused at %s: the leaf keeps its access port',
    async (kind) => {
      const { name } = await create(bareMetalBody('leaf4', 'swp8'));
      const before = await fabric.snapshot();
      await fabric.injectFault({ effect: 'fail', device: 'leaf4', operationKind: kind });
      try {
        expect((await remove(name)).error?.message).toMatch(/failed and was undone/);
        expect(await fabric.snapshot()).toEqual(before);
      } finally {
        await fabric.clearFaults();
      }
    },
  );

  it("reports an access VLAN changed behind Loom's back and repairs it", async () => {
    const ops = await engine.clientsAs('ops');
    await createTenantSubnet(portal, { vpcs: 2, subnets: 2, ports: 10 }, 'steel');
    const steelSubnet = 'tenants/steel/vpcs/f/subnets/a';
    const { name } = await create(bareMetalBody('border1', 'swp3'), steelSubnet);
    const other = await create(boundPortBody('border1', 'swp4'), SUBNET);
    expect(other.operation.error).toBeNull();
    const intended = await fabric.readState('border1');
    const [mine, theirs] = [
      await portal.subnets.getSubnet({ name: steelSubnet }),
      await portal.subnets.getSubnet({ name: SUBNET }),
    ];
    // The server's interface moved into another VLAN (another tenant's subnet) on the switch.
    await fabric.tamper('border1', (state) => ({
      ...state,
      l2Vnis: state.l2Vnis.map((l2) =>
        l2.l2Vni === mine.l2Vni
          ? { ...l2, untaggedInterfaces: [] }
          : { ...l2, untaggedInterfaces: ['swp3'] },
      ),
    }));
    const drift = await ops.fabric.getFabricDrift({});
    expect(drift.items.map(({ device, kind, item }) => ({ device, kind, item }))).toEqual(
      expect.arrayContaining([
        {
          device: 'border1',
          kind: 'MISSING',
          item: `l2vni ${mine.l2Vni} access interface swp3`,
        },
        {
          device: 'border1',
          kind: 'UNEXPECTED',
          item: `l2vni ${theirs.l2Vni} access interface swp3`,
        },
      ]),
    );
    // A failed deprovisioning above left leaf4 with what its intent let go: drift of its own.
    const border1Drift = async () =>
      (await ops.fabric.getFabricDrift({})).items.filter((item) => item.device === 'border1');
    const request = { reason: 'bare-metal access VLAN moved', devices: ['border1'] };
    const repair = await ops.fabric.repairFabricDrift(request);
    expect(repair.sagaIds).toContainEqual(expect.stringMatching(/^repair-border1-/));
    const deadline = Date.now() + 20_000;
    while ((await border1Drift()).length > 0 && Date.now() < deadline) {
      await new Promise((wake) => setTimeout(wake, 100));
    }
    expect(await border1Drift()).toEqual([]);
    expect(await fabric.readState('border1')).toEqual(intended);
    await remove(name);
    await remove(other.name);
  });
});
