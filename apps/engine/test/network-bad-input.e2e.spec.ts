import { Client } from 'pg';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import { grpcErrorOf } from '../../../test/support/grpc-errors';
import {
  boundPortBody,
  subnetBody,
  tenantBody,
  vpcBody,
} from '../../../test/support/network-fixtures';

const quota = { vpcs: 5, subnets: 5, ports: 5, floatingIps: 0 };
const tenant = tenantBody(quota);
const vpc = vpcBody(['10.0.0.0/16']);
const subnet = subnetBody('10.0.1.0/24');
const binding = { host: 'hv-1', leafSwitch: 'leaf1', interface: 'swp1', vlan: 0 };
const port = boundPortBody('leaf1');
const mask = (...paths: string[]) => ({ paths }) as never;
const VPC = 'tenants/acme/vpcs/v';
const SUBNET = `${VPC}/subnets/s`;
const PORT = `${SUBNET}/ports/p`;

/** Watch is a stream: its refusal arrives as the stream's error. */
function firstWatchError(c: LoomClients, parent: string): Promise<never> {
  return new Promise((_, reject) => {
    const stream = c.watch.watch({ parent });
    stream.on('error', reject);
    stream.on('data', () => {
      reject(new Error('a change was delivered'));
    });
  });
}

/** [what is wrong, the call, the field the violation must name]. */
function cases(c: LoomClients): [string, () => Promise<unknown>, string][] {
  return [
    [
      'CreateTenant: an id with capitals',
      () => c.tenants.createTenant({ tenantId: 'Acme', tenant, requestId: '' }),
      'tenant_id',
    ],
    [
      'CreateTenant: an empty id',
      () => c.tenants.createTenant({ tenantId: '', tenant, requestId: '' }),
      'tenant_id',
    ],
    [
      'CreateTenant: a 64-character id',
      () => c.tenants.createTenant({ tenantId: `a${'b'.repeat(63)}`, tenant, requestId: '' }),
      'tenant_id',
    ],
    [
      'CreateTenant: a display name with a newline',
      () =>
        c.tenants.createTenant({
          tenantId: 'new',
          tenant: { ...tenant, displayName: 'a\nb' },
          requestId: '',
        }),
      'tenant.display_name',
    ],
    [
      'CreateTenant: a negative VPC quota',
      () =>
        c.tenants.createTenant({
          tenantId: 'new',
          tenant: { ...tenant, quota: { ...quota, vpcs: -1 } },
          requestId: '',
        }),
      'tenant.quota.vpcs',
    ],
    [
      'CreateTenant: a negative subnet quota',
      () =>
        c.tenants.createTenant({
          tenantId: 'new',
          tenant: { ...tenant, quota: { ...quota, subnets: -1 } },
          requestId: '',
        }),
      'tenant.quota.subnets',
    ],
    [
      'CreateTenant: a negative port quota',
      () =>
        c.tenants.createTenant({
          tenantId: 'new',
          tenant: { ...tenant, quota: { ...quota, ports: -1 } },
          requestId: '',
        }),
      'tenant.quota.ports',
    ],
    [
      'CreateTenant: a negative floating IP quota',
      () =>
        c.tenants.createTenant({
          tenantId: 'new',
          tenant: { ...tenant, quota: { ...quota, floatingIps: -1 } },
          requestId: '',
        }),
      'tenant.quota.floating_ips',
    ],
    [
      'CreateTenant: a request id that is no UUID',
      () => c.tenants.createTenant({ tenantId: 'new', tenant, requestId: 'again' }),
      'request_id',
    ],
    ['GetTenant: a malformed name', () => c.tenants.getTenant({ name: 'tenant/acme' }), 'name'],
    [
      'ListTenants: a negative page size',
      () => c.tenants.listTenants({ pageSize: -1, pageToken: '' }),
      'page_size',
    ],
    [
      'ListTenants: a made-up page token',
      () => c.tenants.listTenants({ pageSize: 0, pageToken: 'next-please' }),
      'page_token',
    ],
    [
      'UpdateTenant: a malformed name',
      () =>
        c.tenants.updateTenant({
          tenant: { ...tenant, name: 'tenants/' },
          updateMask: mask('display_name'),
        }),
      'tenant.name',
    ],
    [
      'UpdateTenant: no mask',
      () =>
        c.tenants.updateTenant({ tenant: { ...tenant, name: 'tenants/acme' }, updateMask: null }),
      'update_mask',
    ],
    [
      'UpdateTenant: an unknown mask path',
      () =>
        c.tenants.updateTenant({
          tenant: { ...tenant, name: 'tenants/acme' },
          updateMask: mask('usage'),
        }),
      'update_mask',
    ],
    [
      'UpdateTenant: a display name too long',
      () =>
        c.tenants.updateTenant({
          tenant: { ...tenant, name: 'tenants/acme', displayName: 'x'.repeat(129) },
          updateMask: mask('display_name'),
        }),
      'tenant.display_name',
    ],
    [
      'UpdateTenant: a negative quota',
      () =>
        c.tenants.updateTenant({
          tenant: { ...tenant, name: 'tenants/acme', quota: { ...quota, ports: -5 } },
          updateMask: mask('quota'),
        }),
      'tenant.quota.ports',
    ],
    [
      'DeleteTenant: a malformed name',
      () => c.tenants.deleteTenant({ name: 'tenants/acme/x', etag: '' }),
      'name',
    ],
    [
      'CreateVpc: a malformed parent',
      () => c.vpcs.createVpc({ parent: 'acme', vpcId: 'n', vpc, requestId: '' }),
      'parent',
    ],
    [
      'CreateVpc: an id with an underscore',
      () => c.vpcs.createVpc({ parent: 'tenants/acme', vpcId: 'my_vpc', vpc, requestId: '' }),
      'vpc_id',
    ],
    [
      'CreateVpc: a display name too long',
      () =>
        c.vpcs.createVpc({
          parent: 'tenants/acme',
          vpcId: 'n',
          vpc: { ...vpc, displayName: 'x'.repeat(200) },
          requestId: '',
        }),
      'vpc.display_name',
    ],
    [
      'CreateVpc: no CIDR block',
      () =>
        c.vpcs.createVpc({
          parent: 'tenants/acme',
          vpcId: 'n',
          vpc: { ...vpc, cidrBlocks: [] },
          requestId: '',
        }),
      'vpc.cidr_blocks',
    ],
    [
      'CreateVpc: a block with host bits',
      () =>
        c.vpcs.createVpc({
          parent: 'tenants/acme',
          vpcId: 'n',
          vpc: { ...vpc, cidrBlocks: ['10.0.0.1/16'] },
          requestId: '',
        }),
      'vpc.cidr_blocks[0]',
    ],
    [
      'CreateVpc: an address over 255',
      () =>
        c.vpcs.createVpc({
          parent: 'tenants/acme',
          vpcId: 'n',
          vpc: { ...vpc, cidrBlocks: ['300.0.0.0/8'] },
          requestId: '',
        }),
      'vpc.cidr_blocks[0]',
    ],
    [
      'CreateVpc: a /30 block',
      () =>
        c.vpcs.createVpc({
          parent: 'tenants/acme',
          vpcId: 'n',
          vpc: { ...vpc, cidrBlocks: ['10.0.0.0/30'] },
          requestId: '',
        }),
      'vpc.cidr_blocks[0]',
    ],
    [
      'CreateVpc: overlapping blocks',
      () =>
        c.vpcs.createVpc({
          parent: 'tenants/acme',
          vpcId: 'n',
          vpc: { ...vpc, cidrBlocks: ['10.0.0.0/16', '10.0.128.0/17'] },
          requestId: '',
        }),
      'vpc.cidr_blocks[1]',
    ],
    [
      'CreateVpc: a request id that is no UUID',
      () => c.vpcs.createVpc({ parent: 'tenants/acme', vpcId: 'n', vpc, requestId: '123' }),
      'request_id',
    ],
    ['GetVpc: a malformed name', () => c.vpcs.getVpc({ name: 'tenants/acme/vpc/v' }), 'name'],
    [
      'ListVpcs: a malformed parent',
      () => c.vpcs.listVpcs({ parent: 'tenants', pageSize: 0, pageToken: '' }),
      'parent',
    ],
    [
      'ListVpcs: a negative page size',
      () => c.vpcs.listVpcs({ parent: 'tenants/acme', pageSize: -3, pageToken: '' }),
      'page_size',
    ],
    [
      'ListVpcs: a made-up page token',
      () => c.vpcs.listVpcs({ parent: 'tenants/acme', pageSize: 0, pageToken: 'abc.def' }),
      'page_token',
    ],
    [
      'UpdateVpc: a malformed name',
      () => c.vpcs.updateVpc({ vpc: { ...vpc, name: 'vpcs/v' }, updateMask: mask('display_name') }),
      'vpc.name',
    ],
    [
      'UpdateVpc: a mask naming an output field',
      () => c.vpcs.updateVpc({ vpc: { ...vpc, name: VPC }, updateMask: mask('l3_vni') }),
      'update_mask',
    ],
    [
      'UpdateVpc: a display name with a tab',
      () =>
        c.vpcs.updateVpc({
          vpc: { ...vpc, name: VPC, displayName: 'a\tb' },
          updateMask: mask('display_name'),
        }),
      'vpc.display_name',
    ],
    [
      'DeleteVpc: a malformed name',
      () => c.vpcs.deleteVpc({ name: 'tenants/acme/vpcs/V', etag: '', requestId: '' }),
      'name',
    ],
    [
      'DeleteVpc: a request id that is no UUID',
      () => c.vpcs.deleteVpc({ name: VPC, etag: '', requestId: 'x' }),
      'request_id',
    ],
    [
      'CreateSubnet: a malformed parent',
      () =>
        c.subnets.createSubnet({ parent: 'tenants/acme', subnetId: 'n', subnet, requestId: '' }),
      'parent',
    ],
    [
      'CreateSubnet: an id ending with a hyphen',
      () => c.subnets.createSubnet({ parent: VPC, subnetId: 'web-', subnet, requestId: '' }),
      'subnet_id',
    ],
    [
      'CreateSubnet: a display name too long',
      () =>
        c.subnets.createSubnet({
          parent: VPC,
          subnetId: 'n',
          subnet: { ...subnet, displayName: 'y'.repeat(129) },
          requestId: '',
        }),
      'subnet.display_name',
    ],
    [
      'CreateSubnet: a CIDR that is not one',
      () =>
        c.subnets.createSubnet({
          parent: VPC,
          subnetId: 'n',
          subnet: { ...subnet, cidr: '10.0.1.0' },
          requestId: '',
        }),
      'subnet.cidr',
    ],
    [
      'CreateSubnet: a /30',
      () =>
        c.subnets.createSubnet({
          parent: VPC,
          subnetId: 'n',
          subnet: { ...subnet, cidr: '10.0.1.0/30' },
          requestId: '',
        }),
      'subnet.cidr',
    ],
    [
      'CreateSubnet: a gateway outside the subnet',
      () =>
        c.subnets.createSubnet({
          parent: VPC,
          subnetId: 'n',
          subnet: { ...subnet, gatewayIp: '10.0.2.1' },
          requestId: '',
        }),
      'subnet.gateway_ip',
    ],
    [
      'CreateSubnet: the network address as gateway',
      () =>
        c.subnets.createSubnet({
          parent: VPC,
          subnetId: 'n',
          subnet: { ...subnet, gatewayIp: '10.0.1.0' },
          requestId: '',
        }),
      'subnet.gateway_ip',
    ],
    [
      'CreateSubnet: a request id that is no UUID',
      () => c.subnets.createSubnet({ parent: VPC, subnetId: 'n', subnet, requestId: 'r' }),
      'request_id',
    ],
    ['GetSubnet: a malformed name', () => c.subnets.getSubnet({ name: `${VPC}/subnet/s` }), 'name'],
    [
      'ListSubnets: a malformed parent',
      () => c.subnets.listSubnets({ parent: 'tenants/acme', pageSize: 0, pageToken: '' }),
      'parent',
    ],
    [
      'ListSubnets: a negative page size',
      () => c.subnets.listSubnets({ parent: VPC, pageSize: -1, pageToken: '' }),
      'page_size',
    ],
    [
      'UpdateSubnet: a malformed name',
      () =>
        c.subnets.updateSubnet({
          subnet: { ...subnet, name: VPC },
          updateMask: mask('display_name'),
        }),
      'subnet.name',
    ],
    [
      'UpdateSubnet: a mask naming the CIDR',
      () =>
        c.subnets.updateSubnet({ subnet: { ...subnet, name: SUBNET }, updateMask: mask('cidr') }),
      'update_mask',
    ],
    [
      'DeleteSubnet: a malformed name',
      () => c.subnets.deleteSubnet({ name: `${SUBNET}/x`, etag: '', requestId: '' }),
      'name',
    ],
    [
      'CreatePort: a malformed parent',
      () => c.ports.createPort({ parent: VPC, portId: 'n', port, requestId: '' }),
      'parent',
    ],
    [
      'CreatePort: an id starting with a digit',
      () => c.ports.createPort({ parent: SUBNET, portId: '1p', port, requestId: '' }),
      'port_id',
    ],
    [
      'CreatePort: a display name too long',
      () =>
        c.ports.createPort({
          parent: SUBNET,
          portId: 'n',
          port: { ...port, displayName: 'z'.repeat(300) },
          requestId: '',
        }),
      'port.display_name',
    ],
    [
      'CreatePort: a fixed IP that is not one',
      () =>
        c.ports.createPort({
          parent: SUBNET,
          portId: 'n',
          port: { ...port, fixedIp: '10.0.1' },
          requestId: '',
        }),
      'port.fixed_ip',
    ],
    [
      'CreatePort: a multicast MAC',
      () =>
        c.ports.createPort({
          parent: SUBNET,
          portId: 'n',
          port: { ...port, macAddress: '01:00:5e:00:00:01' },
          requestId: '',
        }),
      'port.mac_address',
    ],
    [
      'CreatePort: a MAC that is not one',
      () =>
        c.ports.createPort({
          parent: SUBNET,
          portId: 'n',
          port: { ...port, macAddress: 'zz:zz' },
          requestId: '',
        }),
      'port.mac_address',
    ],
    [
      'CreatePort: a host name with spaces',
      () =>
        c.ports.createPort({
          parent: SUBNET,
          portId: 'n',
          port: { ...port, binding: { ...binding, host: 'hv 1' } },
          requestId: '',
        }),
      'port.binding.host',
    ],
    [
      'CreatePort: a leaf name with a slash',
      () =>
        c.ports.createPort({
          parent: SUBNET,
          portId: 'n',
          port: { ...port, binding: { ...binding, leafSwitch: 'leaf/1' } },
          requestId: '',
        }),
      'port.binding.leaf_switch',
    ],
    [
      'CreatePort: an empty interface',
      () =>
        c.ports.createPort({
          parent: SUBNET,
          portId: 'n',
          port: { ...port, binding: { ...binding, interface: '' } },
          requestId: '',
        }),
      'port.binding.interface',
    ],
    [
      'CreatePort: VLAN 4095',
      () =>
        c.ports.createPort({
          parent: SUBNET,
          portId: 'n',
          port: { ...port, binding: { ...binding, vlan: 4095 } },
          requestId: '',
        }),
      'port.binding.vlan',
    ],
    [
      'CreatePort: VLAN 1',
      () =>
        c.ports.createPort({
          parent: SUBNET,
          portId: 'n',
          port: { ...port, binding: { ...binding, vlan: 1 } },
          requestId: '',
        }),
      'port.binding.vlan',
    ],
    [
      'CreatePort: a request id that is no UUID',
      () => c.ports.createPort({ parent: SUBNET, portId: 'n', port, requestId: 'uuid' }),
      'request_id',
    ],
    ['GetPort: a malformed name', () => c.ports.getPort({ name: SUBNET }), 'name'],
    [
      'ListPorts: a malformed parent',
      () => c.ports.listPorts({ parent: VPC, pageSize: 0, pageToken: '' }),
      'parent',
    ],
    [
      'ListPorts: a made-up page token',
      () => c.ports.listPorts({ parent: SUBNET, pageSize: 0, pageToken: '%%%' }),
      'page_token',
    ],
    [
      'UpdatePort: a malformed name',
      () => c.ports.updatePort({ port: { ...port, name: 'p' }, updateMask: mask('display_name') }),
      'port.name',
    ],
    [
      'UpdatePort: a mask naming the binding',
      () => c.ports.updatePort({ port: { ...port, name: PORT }, updateMask: mask('binding') }),
      'update_mask',
    ],
    [
      'DeletePort: a malformed name',
      () => c.ports.deletePort({ name: `${PORT}/more`, etag: '', requestId: '' }),
      'name',
    ],
    [
      'GetOperation: a malformed name',
      () => c.operations.getOperation({ name: 'operations/1' }),
      'name',
    ],
    [
      'ListOperations: a malformed parent',
      () => c.operations.listOperations({ parent: VPC, pageSize: 0, pageToken: '' }),
      'parent',
    ],
    [
      'ListOperations: a negative page size',
      () => c.operations.listOperations({ parent: 'tenants/acme', pageSize: -1, pageToken: '' }),
      'page_size',
    ],
    [
      'WaitOperation: a malformed name',
      () => c.operations.waitOperation({ name: 'x', timeout: null }),
      'name',
    ],
    [
      'WaitOperation: a timeout over 60 s',
      () =>
        c.operations.waitOperation({
          name: 'tenants/acme/operations/o',
          timeout: { seconds: '61', nanos: 0 },
        }),
      'timeout',
    ],
    [
      'UpdateTenant: a malformed etag',
      () =>
        c.tenants.updateTenant({
          tenant: { ...tenant, name: 'tenants/acme', etag: 'W/x' },
          updateMask: mask('display_name'),
        }),
      'tenant.etag',
    ],
    [
      'DeleteTenant: a malformed etag',
      () => c.tenants.deleteTenant({ name: 'tenants/acme', etag: 'latest' }),
      'etag',
    ],
    [
      'UpdateVpc: a malformed etag',
      () =>
        c.vpcs.updateVpc({
          vpc: { ...vpc, name: VPC, etag: '1' },
          updateMask: mask('display_name'),
        }),
      'vpc.etag',
    ],
    [
      'DeleteVpc: a malformed etag',
      () => c.vpcs.deleteVpc({ name: VPC, etag: '"-1"', requestId: '' }),
      'etag',
    ],
    [
      'UpdateSubnet: a malformed etag',
      () =>
        c.subnets.updateSubnet({
          subnet: { ...subnet, name: SUBNET, etag: '*' },
          updateMask: mask('display_name'),
        }),
      'subnet.etag',
    ],
    [
      'DeleteSubnet: a malformed etag',
      () => c.subnets.deleteSubnet({ name: SUBNET, etag: '"0"', requestId: '' }),
      'etag',
    ],
    [
      'UpdatePort: a malformed etag',
      () =>
        c.ports.updatePort({
          port: { ...port, name: PORT, etag: 'abc' },
          updateMask: mask('display_name'),
        }),
      'port.etag',
    ],
    [
      'DeletePort: a malformed etag',
      () => c.ports.deletePort({ name: PORT, etag: '""', requestId: '' }),
      'etag',
    ],
    ['Watch: a malformed parent', () => firstWatchError(c, 'tenants/acme/vpcs/v'), 'parent'],
  ];
}

describe('bad input to the network API', () => {
  let engine: TestEngine;
  let portal: LoomClients;
  let eventsBefore: number;

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

  beforeAll(async () => {
    engine = await startTestEngine();
    portal = await engine.clientsAs('portal');
    await portal.tenants.createTenant({ tenantId: 'acme', tenant, requestId: '' });
    await portal.vpcs.createVpc({ parent: 'tenants/acme', vpcId: 'v', vpc, requestId: '' });
    await portal.subnets.createSubnet({ parent: VPC, subnetId: 's', subnet, requestId: '' });
    const created = await portal.ports.createPort({
      parent: SUBNET,
      portId: 'p',
      port,
      requestId: '',
    });
    // Wait for the port's fabric saga, so that the count below is final.
    await portal.operations.waitOperation({
      name: created.name,
      timeout: { seconds: '20', nanos: 0 },
    });
    eventsBefore = await countEvents();
  });
  afterAll(async () => {
    await engine.stop();
  });

  it.each(cases({} as LoomClients).map(([label], index) => [label, index] as const))(
    'answers %s with INVALID_ARGUMENT naming the field',
    async (_label, index) => {
      const [, call, field] = cases(portal)[index]!;
      const error = await grpcErrorOf(call());
      expect(error.codeName).toBe('INVALID_ARGUMENT');
      expect(error.badRequest?.fieldViolations.map((violation) => violation.field)).toContain(
        field,
      );
    },
  );

  it('wrote nothing for any of them', async () => {
    expect(await countEvents()).toBe(eventsBefore);
  });

  it('also reports every bad field of one request at once', async () => {
    const error = await grpcErrorOf(
      portal.ports.createPort({
        parent: SUBNET,
        portId: 'X',
        port: { ...port, fixedIp: 'x', macAddress: 'y', binding: { ...binding, vlan: 9999 } },
        requestId: '',
      }),
    );
    expect(error.badRequest?.fieldViolations.map((violation) => violation.field).sort()).toEqual([
      'port.binding.vlan',
      'port.fixed_ip',
      'port.mac_address',
      'port_id',
    ]);
  });
});
