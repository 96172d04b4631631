import {
  AbortedError,
  AlreadyExistsError,
  FailedPreconditionError,
  NotFoundError,
} from '@loom/errors';
import { specify } from '../testing/decider-specification';
import { vpcDecider } from './vpc.decider';
import type { VpcCreated } from './vpc.events';
import { vpcRouting } from './vpc-routing';

const target = { tenantId: 'acme', vpcId: 'blue' };
const created: VpcCreated = {
  type: 'VpcCreated',
  data: {
    ...target,
    displayName: 'Blue',
    cidrBlocks: ['10.0.0.0/16'],
    routing: vpcRouting(50000, 65000),
    createdBy: 'op-1',
  },
};
const reserve = (subnetId: string, cidr: string, owner = `op-${subnetId}`) =>
  ({ ...target, type: 'ReserveSubnetCidr', subnetId, cidr, owner }) as const;
const reserved = (subnetId: string, cidr: string, owner = `op-${subnetId}`) =>
  ({ type: 'VpcSubnetCidrReserved', data: { subnetId, cidr, owner } }) as const;
const given = specify(vpcDecider);

describe('VPC decider', () => {
  it('creates a VPC once; a retry by the same operation decides nothing, another creator is refused', () => {
    const create = {
      ...target,
      type: 'CreateVpc',
      displayName: 'Blue',
      cidrBlocks: ['10.0.0.0/16'],
      routing: vpcRouting(50000, 65000),
      createdBy: 'op-1',
    } as const;
    given([]).when(create).then([created]);
    given([created]).when(create).then([]);
    given([created])
      .when({ ...create, createdBy: 'op-2' })
      .thenThrows(AlreadyExistsError);
  });

  it('derives VRF name, RD and RTs from the L3 VNI', () => {
    expect(vpcRouting(50042, 65000)).toEqual({
      l3Vni: 50042,
      vrfName: 'vrf50042',
      routeDistinguisher: '65000:50042',
      importRouteTargets: ['65000:50042'],
      exportRouteTargets: ['65000:50042'],
    });
  });

  it('reserves subnet blocks inside the VPC that do not overlap', () => {
    given([created])
      .when(reserve('web', '10.0.1.0/24'))
      .then([reserved('web', '10.0.1.0/24')]);
    given([created, reserved('web', '10.0.1.0/24')])
      .when(reserve('db', '10.0.2.0/24'))
      .then([reserved('db', '10.0.2.0/24')]);
    given([created, reserved('web', '10.0.0.0/23')])
      .when(reserve('db', '10.0.1.128/25'))
      .thenThrows(FailedPreconditionError, /overlaps subnet web/);
    given([created])
      .when(reserve('web', '10.1.0.0/24'))
      .thenThrows(FailedPreconditionError, /not inside/);
    given([created, reserved('web', '10.0.1.0/24')])
      .when(reserve('web', '10.0.1.0/24', 'op-other'))
      .thenThrows(AlreadyExistsError);
    given([created, reserved('web', '10.0.1.0/24')])
      .when(reserve('web', '10.0.1.0/24'))
      .then([]);
  });

  it('releases a block only for its owner', () => {
    const history = [created, reserved('web', '10.0.1.0/24')];
    given(history)
      .when({ ...target, type: 'ReleaseSubnetCidr', subnetId: 'web', owner: 'op-other' })
      .then([]);
    given(history)
      .when({ ...target, type: 'ReleaseSubnetCidr', subnetId: 'web', owner: 'op-web' })
      .then([
        {
          type: 'VpcSubnetCidrReleased',
          data: { subnetId: 'web', cidr: '10.0.1.0/24', owner: 'op-web' },
        },
      ]);
  });

  it('refuses to delete a VPC with subnets, or with a stale etag', () => {
    given([created, reserved('web', '10.0.1.0/24')])
      .when({ ...target, type: 'DeleteVpc' })
      .thenThrows(FailedPreconditionError);
    given([created])
      .when({ ...target, type: 'DeleteVpc', etag: '"7"' })
      .thenThrows(AbortedError);
    given([created])
      .when({ ...target, type: 'DeleteVpc', etag: '"1"' })
      .then([{ type: 'VpcDeleted', data: { ...target, l3Vni: 50000, createdBy: 'op-1' } }]);
    given([])
      .when({ ...target, type: 'DeleteVpc' })
      .thenThrows(NotFoundError);
  });
});
