import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  ChangeType,
  type Operation,
  type ResourceChange,
  type ServiceIp,
} from '@loom/api-contract';
import { openFileBackedFabric, type FaultSpec, type SimulatedFabric } from '@loom/fabric';
import { ensureLoomctlBuilt, runLoomctl } from '../../loomctl/test/loomctl-process';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import { externalClientsAs, type ExternalClients } from '../../../test/support/external-clients';
import type { LoomClients } from '../../../test/support/grpc-client';
import { grpcErrorOf } from '../../../test/support/grpc-errors';
import {
  boundPortBody,
  createTenantSubnet,
  finished,
  vpcBody,
} from '../../../test/support/network-fixtures';

const DNS = '10.0.200.10/32';
const MIRROR = '10.0.201.0/24';

const serviceIpBody = (prefixes: string[]): ServiceIp => ({
  name: '',
  prefixes,
  address: '',
  block: '',
  node: '',
  status: 'SERVICE_IP_STATUS_UNSPECIFIED' as never,
  statusReason: '',
  etag: '',
});

/**
 * Service IPs through the gRPC API on the simulated fabric: what the service node (border1)
 * holds, every refusal with the field or resource named and nothing written, a fault at every
 * step of both sagas leaving the node as it was, and drift of a leaked route and of the NAT
 * rule found and repaired.
 */
describe('service IPs', () => {
  let engine: TestEngine;
  let portal: LoomClients;
  let api: ExternalClients;
  let fabric: SimulatedFabric;
  let vpcs = 0;

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
  /** A fresh VPC of acme (10.0.0.0/16, like every other: tenants' CIDRs overlap). */
  const newVpc = async (): Promise<string> => {
    vpcs += 1;
    const vpcId = `v${vpcs}`;
    await finished(
      portal,
      await portal.vpcs.createVpc({
        parent: 'tenants/acme',
        vpcId,
        vpc: vpcBody(['10.0.0.0/16']),
        requestId: '',
      }),
    );
    return `tenants/acme/vpcs/${vpcId}`;
  };
  const create = async (vpc: string, prefixes = [DNS, MIRROR]): Promise<Operation> =>
    finished(
      portal,
      await api.serviceIps.createServiceIp({
        parent: vpc,
        serviceIp: serviceIpBody(prefixes),
        requestId: '',
      }),
    );
  const remove = async (vpc: string): Promise<Operation> =>
    finished(
      portal,
      await api.serviceIps.deleteServiceIp({ name: `${vpc}/serviceIp`, etag: '', requestId: '' }),
    );

  beforeAll(async () => {
    [engine] = await Promise.all([
      startTestEngine({ LOOM_DEVICE_TIMEOUT_MS: '400' }),
      ensureLoomctlBuilt(),
    ]);
    portal = await engine.clientsAs('portal');
    api = await externalClientsAs(engine.address, engine.dataDir, 'portal');
    fabric = await openFileBackedFabric({ directory: join(engine.dataDir, 'fabric') });
    await createTenantSubnet(portal, { vpcs: 20, subnets: 10, ports: 20 }, 'acme');
    await createTenantSubnet(portal, { vpcs: 2, subnets: 2, ports: 2 }, 'beta');
  });
  afterAll(async () => {
    api.close();
    await engine.stop();
  });

  it('puts the VPC on the service node: VRF, link, a route per prefix, NAT to its address', async () => {
    const vpc = 'tenants/acme/vpcs/f';
    expect((await create(vpc)).error).toBeNull();
    const serviceIp = await api.serviceIps.getServiceIp({ name: `${vpc}/serviceIp` });
    expect(serviceIp).toMatchObject({
      name: `${vpc}/serviceIp`,
      prefixes: [DNS, MIRROR],
      address: '100.64.0.1',
      block: '100.64.0.0/31',
      node: 'border1',
      status: 'SERVICE_IP_ACTIVE',
    });
    const { vrfName } = await portal.vpcs.getVpc({ name: vpc });
    const border = await fabric.readState('border1');
    expect(border.vrfs).toEqual([expect.objectContaining({ name: vrfName, bgpEvpn: true })]);
    expect(border.service).toEqual({
      links: [{ vrf: vrfName, vrfAddress: '100.64.0.1/31', nodeAddress: '100.64.0.0/31' }],
      routes: [
        { vrf: vrfName, prefix: DNS },
        { vrf: vrfName, prefix: MIRROR },
      ],
      nats: [{ vrf: vrfName, address: '100.64.0.1' }],
    });
    // Another tenant with the very same CIDR gets an address of its own.
    expect((await create('tenants/beta/vpcs/f', [DNS])).error).toBeNull();
    const beta = await api.serviceIps.getServiceIp({ name: 'tenants/beta/vpcs/f/serviceIp' });
    expect(beta.address).toBe('100.64.0.3');
    expect((await fabric.readState('border1')).service?.nats).toHaveLength(2);
    const listed = await api.serviceIps.listServiceIps({
      parent: 'tenants/beta',
      pageSize: 0,
      pageToken: '',
    });
    expect(listed).toEqual({ serviceIps: [beta], nextPageToken: '' });
    const acme = await api.serviceIps.listServiceIps({
      parent: 'tenants/acme',
      pageSize: 0,
      pageToken: '',
    });
    expect(acme.serviceIps.map((entry) => entry.name)).toEqual([`${vpc}/serviceIp`]);
  });

  describe('refusals, nothing written', () => {
    const bad: [string, string[], string][] = [
      ['a malformed prefix', [DNS, '10.0.200.300/32'], 'service_ip.prefixes[1]'],
      ['0.0.0.0/0', ['0.0.0.0/0'], 'service_ip.prefixes[0]'],
      ['host bits set', ['10.0.200.10/24'], 'service_ip.prefixes[0]'],
      ['overlapping prefixes', [MIRROR, '10.0.201.7/32'], 'service_ip.prefixes[1]'],
      ['no prefix', [], 'service_ip.prefixes'],
    ];
    it.each(bad)('%s is INVALID_ARGUMENT naming the field', async (_label, prefixes, field) => {
      const vpc = 'tenants/acme/vpcs/f';
      const before = await countEvents();
      const error = await grpcErrorOf(
        api.serviceIps.createServiceIp({
          parent: 'tenants/acme/vpcs/none',
          serviceIp: serviceIpBody(prefixes),
          requestId: '',
        }),
      );
      expect(error.codeName).toBe('INVALID_ARGUMENT');
      expect(error.badRequest?.fieldViolations.map((violation) => violation.field)).toEqual([
        field,
      ]);
      expect(vpc).toBeDefined();
      expect(await countEvents()).toBe(before);
    });

    it('a second one on a VPC is ALREADY_EXISTS, a missing VPC NOT_FOUND', async () => {
      const before = await countEvents();
      const again = await grpcErrorOf(
        api.serviceIps.createServiceIp({
          parent: 'tenants/acme/vpcs/f',
          serviceIp: serviceIpBody([DNS]),
          requestId: '',
        }),
      );
      expect(again.codeName).toBe('ALREADY_EXISTS');
      const missing = await grpcErrorOf(
        api.serviceIps.createServiceIp({
          parent: 'tenants/acme/vpcs/none',
          serviceIp: serviceIpBody([DNS]),
          requestId: '',
        }),
      );
      expect(missing.codeName).toBe('NOT_FOUND');
      expect(missing.resourceInfo?.resourceName).toBe('tenants/acme/vpcs/none');
      expect(await countEvents()).toBe(before);
    });

    it('deleting a VPC with a service IP is FAILED_PRECONDITION naming it', async () => {
      const before = await countEvents();
      const error = await grpcErrorOf(
        portal.vpcs.deleteVpc({ name: 'tenants/beta/vpcs/f', etag: '', requestId: '' }),
      );
      expect(error.codeName).toBe('FAILED_PRECONDITION');
      expect(error.preconditionFailure?.violations[0]).toMatchObject({
        type: 'HAS_SERVICE_IP',
        subject: 'tenants/beta/vpcs/f',
      });
      expect(await countEvents()).toBe(before);
    });
  });

  const setFaults: [string, FaultSpec][] = [
    ['createVrf', { effect: 'fail', device: 'border1', operationKind: 'createVrf' }],
    ['configureBgpEvpn', { effect: 'fail', device: 'border1', operationKind: 'configureBgpEvpn' }],
    ['addServiceLink', { effect: 'fail', device: 'border1', operationKind: 'addServiceLink' }],
    ['addServiceRoute', { effect: 'fail', device: 'border1', operationKind: 'addServiceRoute' }],
    ['addServiceNat', { effect: 'fail', device: 'border1', operationKind: 'addServiceNat' }],
    [
      'addServiceNat applied, its reply lost',
      { effect: 'lose-reply-time-out', device: 'border1', operationKind: 'addServiceNat' },
    ],
  ];
  it.each(setFaults)(
    'undoes set-service-ip refused at %s: the service node exactly as before, the error on the Operation',
    async (_label, fault) => {
      const vpc = await newVpc();
      const before = await fabric.snapshot();
      await fabric.injectFault(fault);
      try {
        const operation = await create(vpc);
        expect(operation.error).toMatchObject({
          code: 14,
          message: expect.stringMatching(/fabric step add-[a-z-]+ failed and was undone/),
        });
        expect(await fabric.snapshot()).toEqual(before);
        expect(await api.serviceIps.getServiceIp({ name: `${vpc}/serviceIp` })).toMatchObject({
          status: 'SERVICE_IP_ERROR',
          statusReason: expect.stringContaining('border1'),
        });
      } finally {
        await fabric.clearFaults();
      }
      expect((await remove(vpc)).error).toBeNull();
    },
  );

  const clearFaults: string[] = [
    'removeServiceNat',
    'removeServiceRoute',
    'removeServiceLink',
    'removeBgpEvpn',
    'deleteVrf',
  ];
  it.each(clearFaults)(
    'undoes clear-service-ip refused at %s: the service node keeps the service IP, and so does the intent, in ERROR',
    async (kind) => {
      const vpc = await newVpc();
      expect((await create(vpc)).error).toBeNull();
      const before = await fabric.snapshot();
      await fabric.injectFault({ effect: 'fail', device: 'border1', operationKind: kind as never });
      try {
        expect((await remove(vpc)).error?.message).toMatch(/failed and was undone/);
        expect(await fabric.snapshot()).toEqual(before);
        expect(await api.serviceIps.getServiceIp({ name: `${vpc}/serviceIp` })).toMatchObject({
          status: 'SERVICE_IP_ERROR',
          statusReason: expect.stringMatching(/fabric step remove-[a-z-]+ failed/),
        });
      } finally {
        await fabric.clearFaults();
      }
    },
  );

  it("reports a leaked route and the NAT rule removed behind Loom's back, and repairs them", async () => {
    const ops = await engine.clientsAs('ops');
    const vpc = await newVpc();
    expect((await create(vpc)).error).toBeNull();
    const { vrfName } = await portal.vpcs.getVpc({ name: vpc });
    // Earlier tests left drift of their own (a clear undone leaves the node with a deleted
    // service IP); repair it first, so that only this test's drift shows.
    const border1Drift = async () =>
      (await ops.fabric.getFabricDrift({})).items.filter((item) => item.device === 'border1');
    const repair = async () => {
      await ops.fabric.repairFabricDrift({ reason: 'service IP drift', devices: ['border1'] });
      const deadline = Date.now() + 20_000;
      while ((await border1Drift()).length > 0 && Date.now() < deadline) {
        await new Promise((wake) => setTimeout(wake, 100));
      }
    };
    await repair();
    const intended = await fabric.readState('border1');
    await fabric.tamper('border1', (state) => ({
      ...state,
      service: {
        links: state.service?.links ?? [],
        routes: (state.service?.routes ?? []).filter(
          (route) => route.vrf !== vrfName || route.prefix !== MIRROR,
        ),
        nats: (state.service?.nats ?? []).filter((nat) => nat.vrf !== vrfName),
      },
    }));
    expect((await border1Drift()).map(({ kind, item }) => ({ kind, item }))).toEqual([
      { kind: 'MISSING', item: `service-route ${MIRROR} vrf ${vrfName}` },
      { kind: 'MISSING', item: `service-nat vrf ${vrfName}` },
    ]);
    await repair();
    expect(await border1Drift()).toEqual([]);
    expect(await fabric.readState('border1')).toEqual(intended);
  });

  it('deleting it removes it from the service node, and the VPC may go then', async () => {
    const vpc = await newVpc();
    expect((await create(vpc)).error).toBeNull();
    const { vrfName } = await portal.vpcs.getVpc({ name: vpc });
    expect((await remove(vpc)).error).toBeNull();
    const border = await fabric.readState('border1');
    expect(JSON.stringify(border)).not.toContain(vrfName);
    expect(
      (await finished(portal, await portal.vpcs.deleteVpc({ name: vpc, etag: '', requestId: '' })))
        .error,
    ).toBeNull();
  });

  it('keeps the VRF on the border leaf while a port of the VPC uses it there', async () => {
    const vpc = 'tenants/acme/vpcs/f';
    const port = await finished(
      portal,
      await portal.ports.createPort({
        parent: `${vpc}/subnets/a`,
        portId: 'edge',
        port: boundPortBody('border1', 'swp2'),
        requestId: '',
      }),
    );
    expect(port.error).toBeNull();
    const { vrfName } = await portal.vpcs.getVpc({ name: vpc });
    expect((await remove(vpc)).error).toBeNull();
    const border = await fabric.readState('border1');
    expect(border.vrfs.map((vrf) => vrf.name)).toContain(vrfName);
    expect(border.service?.links.map((link) => link.vrf) ?? []).not.toContain(vrfName);
    const deleted = await finished(
      portal,
      await portal.ports.deletePort({
        name: `${vpc}/subnets/a/ports/edge`,
        etag: '',
        requestId: '',
      }),
    );
    expect(deleted.error).toBeNull();
    expect((await fabric.readState('border1')).vrfs.map((vrf) => vrf.name)).not.toContain(vrfName);
  });

  it('loomctl service-ips create, get and delete, as a process with a tenant token', async () => {
    const vpc = await newVpc();
    const home = await mkdtemp(join(tmpdir(), 'loomctl-service-ips-'));
    const env = {
      HOME: home,
      LOOM_CONFIG: join(home, 'config.json'),
      LOOM_SERVER: engine.address,
      LOOM_DATA_DIR: engine.dataDir,
    };
    const loomctl = (...args: string[]) => runLoomctl(args, env);
    try {
      const minted = await loomctl(
        'token',
        'mint',
        '--role',
        'tenant',
        '--tenant',
        'acme',
        '--save',
      );
      expect(minted.code).toBe(0);
      const created = await loomctl(
        'service-ips',
        'create',
        vpc,
        '--prefix',
        DNS,
        '--prefix',
        MIRROR,
        '-o',
        'json',
      );
      expect(created).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(created.stdout)).toMatchObject({
        name: `${vpc}/serviceIp`,
        prefixes: [DNS, MIRROR],
        node: 'border1',
        status: 'SERVICE_IP_ACTIVE',
      });
      const shown = await loomctl('service-ips', 'get', vpc);
      expect(shown.stdout).toMatch(/prefixes\s+10\.0\.200\.10\/32, 10\.0\.201\.0\/24/);
      // A bad prefix is refused with the field named: exit 10 + INVALID_ARGUMENT (3).
      const refused = await loomctl('service-ips', 'create', vpc, '--prefix', '0.0.0.0/0');
      expect(refused.code).toBe(13);
      expect(refused.stderr).toContain('service_ip.prefixes[0]');
      expect((await loomctl('service-ips', 'delete', vpc)).code).toBe(0);
      expect((await loomctl('service-ips', 'get', vpc)).code).toBe(15);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('Watch reports a service IP created, active and deleted', async () => {
    const vpc = await newVpc();
    const name = `${vpc}/serviceIp`;
    const stream = portal.watch.watch({ parent: 'tenants/acme' });
    const changes: ResourceChange[] = [];
    stream.on('data', (change: ResourceChange) => changes.push(change));
    stream.on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    try {
      expect((await create(vpc)).error).toBeNull();
      expect((await remove(vpc)).error).toBeNull();
      const deadline = Date.now() + 10_000;
      const seen = () =>
        changes.some(
          (change) => change.type === ChangeType.DELETED && change.resourceName === name,
        );
      while (!seen() && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      stream.cancel();
    }
    const mine = changes.filter((change) => change.resourceName === name);
    expect(mine.map((change) => change.type)).toEqual([
      ChangeType.CREATED,
      ChangeType.UPDATED,
      ChangeType.DELETED,
    ]);
    expect(mine[1]?.serviceIp).toMatchObject({ name, status: 'SERVICE_IP_ACTIVE' });
  });
});
