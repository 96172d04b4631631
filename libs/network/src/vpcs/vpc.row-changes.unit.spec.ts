import { RecordedLog } from '../testing/recorded-log';
import type { VpcEvent } from './vpc.events';
import { foldVpcEvents } from './vpc.row-changes';

const routing = {
  l3Vni: 50_000,
  vrfName: 'vrf-50000',
  routeDistinguisher: '65000:50000',
  importRouteTargets: ['65000:50000'],
  exportRouteTargets: ['65000:50000'],
};
const createdBy = 'tenants/acme/operations/op-1';

describe('VPC row changes', () => {
  let log: RecordedLog;
  const vpc = (event: VpcEvent, at: string) => log.record('vpc-acme/prod', event, at);
  beforeEach(() => {
    log = new RecordedLog();
  });

  it('inserts a VPC created and renamed in one batch at version 2, and ignores its claims', () => {
    const writes = foldVpcEvents([
      vpc(
        { type: 'VpcNameReserved', data: { tenantId: 'acme', vpcId: 'prod', createdBy } },
        '2026-01-01T00:00:00.000Z',
      ),
      vpc(
        {
          type: 'VpcCreated',
          data: {
            tenantId: 'acme',
            vpcId: 'prod',
            displayName: 'Production',
            cidrBlocks: ['10.0.0.0/16'],
            routing,
            createdBy,
          },
        },
        '2026-01-01T00:00:01.000Z',
      ),
      vpc(
        {
          type: 'VpcSubnetCidrReserved',
          data: { subnetId: 'web', cidr: '10.0.1.0/24', owner: createdBy },
        },
        '2026-01-01T00:00:02.000Z',
      ),
      vpc({ type: 'VpcUpdated', data: { displayName: 'Prod' } }, '2026-01-01T00:00:03.000Z'),
    ]);
    expect(writes).toEqual({
      deletes: [],
      upserts: [
        {
          name: 'tenants/acme/vpcs/prod',
          tenantId: 'acme',
          parent: 'tenants/acme',
          displayName: 'Prod',
          cidrBlocks: ['10.0.0.0/16'],
          routing,
          state: 'READY',
          version: 2,
          createTime: new Date('2026-01-01T00:00:01.000Z'),
          updateTime: new Date('2026-01-01T00:00:03.000Z'),
        },
      ],
      patches: [],
    });
  });

  it('patches a stored VPC once for two renames, and deletes a deleted one', () => {
    const writes = foldVpcEvents([
      vpc({ type: 'VpcUpdated', data: { displayName: 'A' } }, '2026-01-01T00:00:01.000Z'),
      vpc({ type: 'VpcUpdated', data: { displayName: 'B' } }, '2026-01-01T00:00:02.000Z'),
      log.record(
        'vpc-acme/old',
        {
          type: 'VpcDeleted',
          data: { tenantId: 'acme', vpcId: 'old', l3Vni: 50_001, createdBy },
        },
        '2026-01-01T00:00:03.000Z',
      ),
    ]);
    expect(writes).toEqual({
      deletes: ['tenants/acme/vpcs/old'],
      upserts: [],
      patches: [
        {
          name: 'tenants/acme/vpcs/prod',
          patch: {
            displayName: 'B',
            versionBumps: 2,
            updateTime: new Date('2026-01-01T00:00:02.000Z'),
          },
        },
      ],
    });
  });
});
