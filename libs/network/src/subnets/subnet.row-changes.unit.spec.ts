import { RecordedLog } from '../testing/recorded-log';
import type { SubnetEvent } from './subnet.events';
import { foldSubnetEvents } from './subnet.row-changes';

const name = 'tenants/acme/vpcs/prod/subnets/web';
const subnet = {
  tenantId: 'acme',
  vpcId: 'prod',
  subnetId: 'web',
  cidr: '10.0.1.0/24',
  l2Vni: 100_000,
  createdBy: 'tenants/acme/operations/op-2',
};

describe('subnet row changes', () => {
  let log: RecordedLog;
  const record = (event: SubnetEvent, at: string) => log.record('subnet-acme/prod/web', event, at);
  beforeEach(() => {
    log = new RecordedLog();
  });

  it('inserts a created subnet and ignores its address claims', () => {
    const writes = foldSubnetEvents([
      record(
        {
          type: 'SubnetCreated',
          data: { ...subnet, displayName: 'Web', gatewayIp: '10.0.1.1' },
        },
        '2026-01-01T00:00:00.000Z',
      ),
      record(
        {
          type: 'SubnetAddressAllocated',
          data: { portId: 'p1', ip: '10.0.1.10', macAddress: '02:00:00:00:00:01', owner: 'x' },
        },
        '2026-01-01T00:00:01.000Z',
      ),
    ]);
    expect(writes).toEqual({
      deletes: [],
      upserts: [
        {
          name,
          tenantId: 'acme',
          parent: 'tenants/acme/vpcs/prod',
          displayName: 'Web',
          cidr: '10.0.1.0/24',
          gatewayIp: '10.0.1.1',
          l2Vni: 100_000,
          state: 'READY',
          version: 1,
          createTime: new Date('2026-01-01T00:00:00.000Z'),
          updateTime: new Date('2026-01-01T00:00:00.000Z'),
        },
      ],
      patches: [],
    });
  });

  it('drops the rename of a subnet deleted later in the batch', () => {
    const writes = foldSubnetEvents([
      record({ type: 'SubnetUpdated', data: { displayName: 'W' } }, '2026-01-01T00:00:01.000Z'),
      record({ type: 'SubnetDeleted', data: subnet }, '2026-01-01T00:00:02.000Z'),
    ]);
    expect(writes).toEqual({ deletes: [name], upserts: [], patches: [] });
  });
});
