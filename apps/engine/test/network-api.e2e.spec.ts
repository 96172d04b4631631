import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { ChangeType, type ResourceChange } from '@loom/api-contract';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import { decodeGrpcError, grpcErrorOf } from '../../../test/support/grpc-errors';

const quota = { vpcs: 10, subnets: 10, ports: 60, floatingIps: 0 };

describe('the network API over gRPC', () => {
  let engine: TestEngine;
  let portal: LoomClients;
  let acme: LoomClients;

  beforeAll(async () => {
    engine = await startTestEngine();
    portal = await engine.clientsAs('portal');
    await portal.tenants.createTenant({
      tenantId: 'acme',
      tenant: {
        name: '',
        displayName: 'Acme',
        quota,
        usage: null,
        etag: '',
        createTime: null,
        updateTime: null,
      },
      requestId: '',
    });
    acme = await engine.clientsAs('tenant', 'acme');
  });
  afterAll(async () => {
    await engine.stop();
  });

  const vpcBody = (cidrBlocks: string[], displayName = '') => ({
    name: '',
    displayName,
    cidrBlocks,
    l3Vni: 0,
    vrfName: '',
    routeDistinguisher: '',
    importRouteTargets: [],
    exportRouteTargets: [],
    state: 'RESOURCE_STATE_UNSPECIFIED' as never,
    etag: '',
    createTime: null,
    updateTime: null,
  });
  const subnetBody = (cidr: string, gatewayIp = '') => ({
    name: '',
    displayName: '',
    cidr,
    gatewayIp,
    l2Vni: 0,
    state: 'RESOURCE_STATE_UNSPECIFIED' as never,
    etag: '',
    createTime: null,
    updateTime: null,
  });
  const portBody = (leafSwitch: string, fixedIp = '', vlan = 0) => ({
    name: '',
    displayName: '',
    kind: 'VIRTUAL_MACHINE' as never,
    fixedIp,
    macAddress: '',
    binding: { host: 'hv-1', leafSwitch, interface: 'swp1', vlan },
    status: 'PORT_STATUS_UNSPECIFIED' as never,
    statusReason: '',
    etag: '',
    createTime: null,
    updateTime: null,
  });

  it('takes a VPC with subnets and ports on several leaves through its whole life', async () => {
    const created = await acme.vpcs.createVpc({
      parent: 'tenants/acme',
      vpcId: 'blue',
      vpc: vpcBody(['10.0.0.0/16'], 'Blue'),
      requestId: '',
    });
    expect(created).toMatchObject({
      target: 'tenants/acme/vpcs/blue',
      verb: 'create',
      done: true,
      error: null,
    });
    const vpc = await acme.vpcs.getVpc({ name: 'tenants/acme/vpcs/blue' });
    expect(vpc).toMatchObject({
      displayName: 'Blue',
      cidrBlocks: ['10.0.0.0/16'],
      state: 'READY',
      etag: '"1"',
    });
    expect(vpc.l3Vni).toBeGreaterThan(0);
    expect(vpc).toMatchObject({
      vrfName: `vrf${vpc.l3Vni}`,
      routeDistinguisher: `65000:${vpc.l3Vni}`,
      importRouteTargets: [`65000:${vpc.l3Vni}`],
    });

    await acme.subnets.createSubnet({
      parent: 'tenants/acme/vpcs/blue',
      subnetId: 'web',
      subnet: subnetBody('10.0.1.0/24'),
      requestId: '',
    });
    await acme.subnets.createSubnet({
      parent: 'tenants/acme/vpcs/blue',
      subnetId: 'db',
      subnet: subnetBody('10.0.2.0/24', '10.0.2.254'),
      requestId: '',
    });
    const web = await acme.subnets.getSubnet({ name: 'tenants/acme/vpcs/blue/subnets/web' });
    const db = await acme.subnets.getSubnet({ name: 'tenants/acme/vpcs/blue/subnets/db' });
    expect(web).toMatchObject({ cidr: '10.0.1.0/24', gatewayIp: '10.0.1.1', state: 'READY' });
    expect(db.gatewayIp).toBe('10.0.2.254');
    expect(web.l2Vni).not.toBe(db.l2Vni);

    const ports = [
      ['web', 'p1', 'leaf1'],
      ['web', 'p2', 'leaf2'],
      ['db', 'p3', 'leaf1'],
    ] as const;
    for (const [subnet, port, leaf] of ports) {
      const operation = await acme.ports.createPort({
        parent: `tenants/acme/vpcs/blue/subnets/${subnet}`,
        portId: port,
        port: portBody(leaf),
        requestId: '',
      });
      // The fabric work runs as a saga; the operation is done when the leaf is configured.
      const finished = await acme.operations.waitOperation({
        name: operation.name,
        timeout: { seconds: '20', nanos: 0 },
      });
      expect(finished).toMatchObject({ done: true, error: null });
    }
    const p1 = await acme.ports.getPort({ name: 'tenants/acme/vpcs/blue/subnets/web/ports/p1' });
    const p2 = await acme.ports.getPort({ name: 'tenants/acme/vpcs/blue/subnets/web/ports/p2' });
    expect(p1).toMatchObject({
      fixedIp: '10.0.1.2',
      status: 'ACTIVE',
      kind: 'VIRTUAL_MACHINE',
      binding: { leafSwitch: 'leaf1', interface: 'swp1' },
    });
    expect(p2.fixedIp).toBe('10.0.1.3');
    expect(p1.macAddress).toMatch(/^02(:[0-9a-f]{2}){5}$/);
    expect(p1.binding?.vlan).toBeGreaterThanOrEqual(2);

    const tenant = await acme.tenants.getTenant({ name: 'tenants/acme' });
    expect(tenant.usage).toMatchObject({ vpcs: 1, subnets: 2, ports: 3 });

    const blocked = await grpcErrorOf(
      acme.vpcs.deleteVpc({ name: 'tenants/acme/vpcs/blue', etag: '', requestId: '' }),
    );
    expect(blocked).toMatchObject({ codeName: 'FAILED_PRECONDITION' });
    const subnetBlocked = await grpcErrorOf(
      acme.subnets.deleteSubnet({
        name: 'tenants/acme/vpcs/blue/subnets/web',
        etag: '',
        requestId: '',
      }),
    );
    expect(subnetBlocked.code).toBe(status.FAILED_PRECONDITION);

    for (const [subnet, port] of ports) {
      const deletion = await acme.ports.deletePort({
        name: `tenants/acme/vpcs/blue/subnets/${subnet}/ports/${port}`,
        etag: '',
        requestId: '',
      });
      const finished = await acme.operations.waitOperation({
        name: deletion.name,
        timeout: { seconds: '20', nanos: 0 },
      });
      expect(finished).toMatchObject({ done: true, error: null });
    }
    await acme.subnets.deleteSubnet({
      name: 'tenants/acme/vpcs/blue/subnets/web',
      etag: '',
      requestId: '',
    });
    await acme.subnets.deleteSubnet({
      name: 'tenants/acme/vpcs/blue/subnets/db',
      etag: '',
      requestId: '',
    });
    const deleted = await acme.vpcs.deleteVpc({
      name: 'tenants/acme/vpcs/blue',
      etag: '"1"',
      requestId: '',
    });
    expect(deleted).toMatchObject({ verb: 'delete', done: true });
    expect((await grpcErrorOf(acme.vpcs.getVpc({ name: 'tenants/acme/vpcs/blue' }))).code).toBe(
      status.NOT_FOUND,
    );
    expect((await acme.tenants.getTenant({ name: 'tenants/acme' })).usage).toMatchObject({
      vpcs: 0,
      subnets: 0,
      ports: 0,
    });

    const operations = await acme.operations.listOperations({
      parent: 'tenants/acme',
      pageSize: 100,
      pageToken: '',
    });
    expect(operations.operations.length).toBeGreaterThanOrEqual(12);
    const waited = await acme.operations.waitOperation({
      name: created.name,
      timeout: { seconds: '1', nanos: 0 },
    });
    expect(waited.done).toBe(true);
  });

  it('takes a tenant through its life: quota changes, refused deletes, and the delete', async () => {
    const body = {
      name: 'tenants/life',
      displayName: 'Life',
      quota,
      usage: null,
      etag: '',
      createTime: null,
      updateTime: null,
    };
    const created = await portal.tenants.createTenant({
      tenantId: 'life',
      tenant: body,
      requestId: '',
    });
    expect(created).toMatchObject({
      name: 'tenants/life',
      displayName: 'Life',
      etag: '"1"',
      usage: { vpcs: 0 },
    });
    const raised = await portal.tenants.updateTenant({
      tenant: { ...body, quota: { ...quota, vpcs: 1 }, etag: '"1"' },
      updateMask: { paths: ['quota'] } as never,
    });
    expect(raised).toMatchObject({ displayName: 'Life', quota: { vpcs: 1 }, etag: '"2"' });
    await portal.vpcs.createVpc({
      parent: 'tenants/life',
      vpcId: 'only',
      vpc: vpcBody(['10.0.0.0/16']),
      requestId: '',
    });
    const belowUsage = await grpcErrorOf(
      portal.tenants.updateTenant({
        tenant: { ...body, quota: { ...quota, vpcs: 0 } },
        updateMask: { paths: ['quota'] } as never,
      }),
    );
    expect(belowUsage).toMatchObject({ codeName: 'FAILED_PRECONDITION' });
    const overQuota = await grpcErrorOf(
      portal.vpcs.createVpc({
        parent: 'tenants/life',
        vpcId: 'two',
        vpc: vpcBody(['10.0.0.0/16']),
        requestId: '',
      }),
    );
    expect(overQuota).toMatchObject({ codeName: 'RESOURCE_EXHAUSTED' });
    expect(overQuota.quotaFailure?.violations[0]?.subject).toContain('tenants/life');
    expect(
      (await grpcErrorOf(portal.tenants.deleteTenant({ name: 'tenants/life', etag: '' }))).codeName,
    ).toBe('FAILED_PRECONDITION');
    await portal.vpcs.deleteVpc({ name: 'tenants/life/vpcs/only', etag: '', requestId: '' });
    // Its usage went up and down again: two new versions since the quota change.
    for (const stale of ['"1"', '"2"']) {
      expect(
        (await grpcErrorOf(portal.tenants.deleteTenant({ name: 'tenants/life', etag: stale })))
          .codeName,
      ).toBe('ABORTED');
    }
    const current = await portal.tenants.getTenant({ name: 'tenants/life' });
    expect(current).toMatchObject({ usage: { vpcs: 0 }, etag: '"4"' });
    await portal.tenants.deleteTenant({ name: 'tenants/life', etag: current.etag });
    expect((await grpcErrorOf(portal.tenants.getTenant({ name: 'tenants/life' }))).codeName).toBe(
      'NOT_FOUND',
    );
    const names = (await portal.tenants.listTenants({ pageSize: 0, pageToken: '' })).tenants.map(
      (listed) => listed.name,
    );
    expect(names).toContain('tenants/acme');
    expect(names).not.toContain('tenants/life');
  });

  it('returns the same operation for a retried create and writes no second VPC', async () => {
    const requestId = randomUUID();
    const request = {
      parent: 'tenants/acme',
      vpcId: 'retry',
      vpc: vpcBody(['10.1.0.0/16']),
      requestId,
    };
    const results = await Promise.all([
      acme.vpcs.createVpc(request),
      acme.vpcs.createVpc(request),
      acme.vpcs.createVpc(request),
    ]);
    expect(new Set(results.map((operation) => operation.name)).size).toBe(1);
    const reused = await grpcErrorOf(
      acme.vpcs.createVpc({ ...request, vpc: vpcBody(['10.2.0.0/16']) }),
    );
    expect(reused).toMatchObject({
      codeName: 'INVALID_ARGUMENT',
      badRequest: { fieldViolations: [expect.objectContaining({ field: 'request_id' })] },
    });
    const list = await acme.vpcs.listVpcs({ parent: 'tenants/acme', pageSize: 0, pageToken: '' });
    expect(list.vpcs.filter((vpc) => vpc.name === 'tenants/acme/vpcs/retry')).toHaveLength(1);
    expect((await acme.tenants.getTenant({ name: 'tenants/acme' })).usage?.vpcs).toBe(1);
  });

  it('answers a retried CreateTenant with the first response even after the tenant was deleted', async () => {
    // Found by the chaos crash test: the first attempt's reply was lost, the load deleted the
    // tenant meanwhile, and the retry answered NOT_FOUND for a create that had happened.
    const requestId = randomUUID();
    const request = {
      tenantId: 'gone-since',
      tenant: {
        name: '',
        displayName: 'Gone since',
        quota,
        usage: null,
        etag: '',
        createTime: null,
        updateTime: null,
      },
      requestId,
    };
    const first = await portal.tenants.createTenant(request);
    await portal.tenants.deleteTenant({ name: 'tenants/gone-since', etag: '' });
    const retried = await portal.tenants.createTenant(request);
    expect(retried).toEqual(first);
    const gone = await grpcErrorOf(portal.tenants.getTenant({ name: 'tenants/gone-since' }));
    expect(gone.codeName).toBe('NOT_FOUND');
  });

  it('refuses stale etags and names the fields of an update with a mask', async () => {
    await acme.vpcs.createVpc({
      parent: 'tenants/acme',
      vpcId: 'masked',
      vpc: vpcBody(['10.3.0.0/16'], 'Before'),
      requestId: '',
    });
    const updated = await acme.vpcs.updateVpc({
      vpc: { ...vpcBody([], 'After'), name: 'tenants/acme/vpcs/masked', etag: '"1"' },
      updateMask: { paths: ['display_name'] } as never,
    });
    expect(updated).toMatchObject({
      displayName: 'After',
      etag: '"2"',
      cidrBlocks: ['10.3.0.0/16'],
    });
    const stale = await grpcErrorOf(
      acme.vpcs.updateVpc({
        vpc: { ...vpcBody([], 'Again'), name: 'tenants/acme/vpcs/masked', etag: '"1"' },
        updateMask: { paths: ['display_name'] } as never,
      }),
    );
    expect(stale).toMatchObject({ codeName: 'ABORTED', errorInfo: { reason: 'ETAG_MISMATCH' } });
    const noMask = await grpcErrorOf(
      acme.vpcs.updateVpc({
        vpc: { ...vpcBody([], 'Again'), name: 'tenants/acme/vpcs/masked' },
        updateMask: null,
      }),
    );
    expect(noMask.badRequest?.fieldViolations[0]?.field).toBe('update_mask');
    const badPath = await grpcErrorOf(
      acme.vpcs.updateVpc({
        vpc: { ...vpcBody([], 'Again'), name: 'tenants/acme/vpcs/masked' },
        updateMask: { paths: ['cidr_blocks'] } as never,
      }),
    );
    expect(badPath.badRequest?.fieldViolations[0]?.field).toBe('update_mask');
    expect((await acme.vpcs.getVpc({ name: 'tenants/acme/vpcs/masked' })).displayName).toBe(
      'After',
    );
    const staleDelete = await grpcErrorOf(
      acme.vpcs.deleteVpc({ name: 'tenants/acme/vpcs/masked', etag: '"1"', requestId: '' }),
    );
    expect(staleDelete.code).toBe(status.ABORTED);
  });

  it('pages through a list with opaque tokens that only fit their own request', async () => {
    await portal.tenants.createTenant({
      tenantId: 'pages',
      tenant: {
        name: '',
        displayName: '',
        quota,
        usage: null,
        etag: '',
        createTime: null,
        updateTime: null,
      },
      requestId: '',
    });
    for (let index = 0; index < 7; index += 1) {
      await portal.vpcs.createVpc({
        parent: 'tenants/pages',
        vpcId: `v${index}`,
        vpc: vpcBody(['10.0.0.0/16']),
        requestId: '',
      });
    }
    const seen: string[] = [];
    let pageToken = '';
    const sizes: number[] = [];
    do {
      const page = await portal.vpcs.listVpcs({ parent: 'tenants/pages', pageSize: 3, pageToken });
      sizes.push(page.vpcs.length);
      seen.push(...page.vpcs.map((vpc) => vpc.name));
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(7);
    const first = await portal.vpcs.listVpcs({
      parent: 'tenants/pages',
      pageSize: 3,
      pageToken: '',
    });
    const foreign = await grpcErrorOf(
      portal.vpcs.listVpcs({ parent: 'tenants/acme', pageSize: 3, pageToken: first.nextPageToken }),
    );
    expect(foreign.badRequest?.fieldViolations[0]?.field).toBe('page_token');
    const forged = await grpcErrorOf(
      portal.vpcs.listVpcs({
        parent: 'tenants/pages',
        pageSize: 3,
        pageToken: `${first.nextPageToken}x`,
      }),
    );
    expect(forged.code).toBe(status.INVALID_ARGUMENT);
  });

  it('streams a tenant’s changes live to a watcher', async () => {
    await acme.vpcs.createVpc({
      parent: 'tenants/acme',
      vpcId: 'watched',
      vpc: vpcBody(['10.4.0.0/16']),
      requestId: '',
    });
    const stream = acme.watch.watch({ parent: 'tenants/acme' });
    const changes: ResourceChange[] = [];
    stream.on('data', (change: ResourceChange) => changes.push(change));
    stream.on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await acme.subnets.createSubnet({
      parent: 'tenants/acme/vpcs/watched',
      subnetId: 'live',
      subnet: subnetBody('10.4.1.0/24'),
      requestId: '',
    });
    await portal.vpcs.createVpc({
      parent: 'tenants/pages',
      vpcId: 'elsewhere',
      vpc: vpcBody(['10.0.0.0/16']),
      requestId: '',
    });
    const deadline = Date.now() + 10_000;
    while (
      !changes.some((change) => change.subnet?.name === 'tenants/acme/vpcs/watched/subnets/live') &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    stream.cancel();
    const subnetChange = changes.find(
      (change) => change.resourceName === 'tenants/acme/vpcs/watched/subnets/live',
    );
    expect(subnetChange).toMatchObject({
      type: ChangeType.CREATED,
      subnet: { cidr: '10.4.1.0/24' },
    });
    expect(changes.some((change) => change.resourceName.startsWith('tenants/pages'))).toBe(false);
    const positions = changes.map((change) => BigInt(change.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('gives the last free addresses of a subnet to exactly as many of 40 racing port creates', async () => {
    await acme.vpcs.createVpc({
      parent: 'tenants/acme',
      vpcId: 'race',
      vpc: vpcBody(['10.9.0.0/16']),
      requestId: '',
    });
    // A /28 has 14 host addresses, one of them the gateway.
    await acme.subnets.createSubnet({
      parent: 'tenants/acme/vpcs/race',
      subnetId: 'small',
      subnet: subnetBody('10.9.0.0/28'),
      requestId: '',
    });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, index) =>
        acme.ports.createPort({
          parent: 'tenants/acme/vpcs/race/subnets/small',
          portId: `r${index}`,
          port: portBody(`leaf${1 + (index % 3)}`),
          requestId: '',
        }),
      ),
    );
    const won = results.filter((result) => result.status === 'fulfilled');
    expect(won).toHaveLength(13);
    for (const result of results) {
      if (result.status === 'rejected')
        expect(decodeGrpcError(result.reason).codeName).toBe('RESOURCE_EXHAUSTED');
    }
    const listed = await acme.ports.listPorts({
      parent: 'tenants/acme/vpcs/race/subnets/small',
      pageSize: 100,
      pageToken: '',
    });
    expect(new Set(listed.ports.map((port) => port.fixedIp)).size).toBe(13);
  });

  it('keeps everything across a restart, and the read models catch up', async () => {
    const before = await portal.vpcs.listVpcs({
      parent: 'tenants/pages',
      pageSize: 100,
      pageToken: '',
    });
    await engine.restart('SIGKILL');
    const after = await portal.vpcs.listVpcs({
      parent: 'tenants/pages',
      pageSize: 100,
      pageToken: '',
    });
    expect(after.vpcs.map((vpc) => vpc.name)).toEqual(before.vpcs.map((vpc) => vpc.name));
    await acme.vpcs.createVpc({
      parent: 'tenants/acme',
      vpcId: 'after-restart',
      vpc: vpcBody(['10.5.0.0/16']),
      requestId: '',
    });
    expect((await acme.vpcs.getVpc({ name: 'tenants/acme/vpcs/after-restart' })).state).toBe(
      'READY',
    );
  });
});
