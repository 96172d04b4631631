import { ResourceState, type Tenant, type Vpc } from '@loom/api-contract';
import { tenantColumns } from '../resources/tenants.view';
import { vpcFields } from '../resources/vpcs.view';
import { formatFields, formatList, formatTable } from './table';

const at = (iso: string) => ({ seconds: String(Date.parse(iso) / 1000), nanos: 0 });

describe('loomctl tables', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(
      formatTable([
        ['NAME', 'STATE'],
        ['tenants/acme/vpcs/blue', 'READY'],
        ['x', ''],
      ]),
    ).toEqual(['NAME                    STATE', 'tenants/acme/vpcs/blue  READY', 'x']);
  });

  it('lists resources under a header, with usage against quota and an age', () => {
    const tenant: Tenant = {
      name: 'tenants/acme',
      displayName: 'Acme',
      quota: { vpcs: 5, subnets: 10, ports: 50, floatingIps: 0 },
      usage: { vpcs: 1, subnets: 2, ports: 3, floatingIps: 0 },
      etag: '"3"',
      createTime: at('2026-01-01T00:00:00Z'),
      updateTime: at('2026-01-01T00:00:00Z'),
    };
    const now = Date.parse('2026-01-01T00:05:00Z');
    expect(formatList(tenantColumns(now), [tenant])).toEqual([
      'NAME          DISPLAY NAME  VPCS  SUBNETS  PORTS  AGE',
      'tenants/acme  Acme          1/5   2/10     3/50   5m',
    ]);
  });

  it('says (none) under the header of an empty list', () => {
    expect(formatList(tenantColumns(0), [])).toEqual([
      'NAME  DISPLAY NAME  VPCS  SUBNETS  PORTS  AGE',
      '(none)',
    ]);
  });

  it('shows one resource as field / value lines named like the proto fields', () => {
    const vpc: Vpc = {
      name: 'tenants/acme/vpcs/blue',
      displayName: '',
      cidrBlocks: ['10.0.0.0/16', '10.1.0.0/16'],
      l3Vni: 50000,
      vrfName: 'vrf50000',
      routeDistinguisher: '65000:50000',
      importRouteTargets: ['65000:50000'],
      exportRouteTargets: ['65000:50000'],
      state: ResourceState.READY,
      etag: '"1"',
      createTime: { seconds: '1767225600', nanos: 500_000_000 },
      updateTime: null,
    };
    const lines = formatFields(vpcFields(vpc));
    expect(lines).toContain('cidr_blocks           10.0.0.0/16, 10.1.0.0/16');
    expect(lines).toContain('state                 READY');
    expect(lines).toContain('create_time           2026-01-01T00:00:00Z');
    expect(lines).toContain('update_time');
  });
});
