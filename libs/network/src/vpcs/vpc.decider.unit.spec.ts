import {
  AbortedError,
  AlreadyExistsError,
  FailedPreconditionError,
  NotFoundError,
} from '@loom/errors';
import { specify } from '@loom/intents/testing';
import { describeResourceLifecycle, withEtag } from '../testing/resource-lifecycle.contract';
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
  describeResourceLifecycle({
    decider: vpcDecider,
    name: 'tenants/acme/vpcs/blue',
    created,
    displayName: 'Blue',
    update: (displayName, etag) =>
      ({
        ...target,
        type: 'UpdateVpc',
        displayName,
        ...withEtag(etag),
      }) as const,
    updated: (displayName) => ({ type: 'VpcUpdated', data: { displayName } }) as const,
    remove: (etag) => ({ ...target, type: 'DeleteVpc', ...withEtag(etag) }) as const,
    deleted: { type: 'VpcDeleted', data: { ...target, l3Vni: 50000, createdBy: 'op-1' } },
  });

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
      .thenThrows(FailedPreconditionError, { type: 'HAS_SUBNETS' });
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
  it('reserves the name for one creator; its release and the create clear the reservation', () => {
    const reserveName = (createdBy: string) =>
      ({ ...target, type: 'ReserveVpcName', createdBy }) as const;
    const releaseName = (createdBy: string) =>
      ({ ...target, type: 'ReleaseVpcName', createdBy }) as const;
    const nameReserved = {
      type: 'VpcNameReserved',
      data: { ...target, createdBy: 'op-1' },
    } as const;
    const nameReleased = { type: 'VpcNameReleased', data: { createdBy: 'op-1' } } as const;
    given([]).when(reserveName('op-1')).then([nameReserved]);
    given([nameReserved]).when(reserveName('op-1')).then([]);
    given([nameReserved])
      .when(reserveName('op-2'))
      .thenThrows(AlreadyExistsError, { resourceName: 'tenants/acme/vpcs/blue' });
    given([created]).when(reserveName('op-2')).thenThrows(AlreadyExistsError);
    given([created]).when(reserveName('op-1')).then([]);
    given([nameReserved]).when(releaseName('op-2')).then([]);
    given([nameReserved]).when(releaseName('op-1')).then([nameReleased]);
    given([created]).when(releaseName('op-1')).then([]);
    given([nameReserved, nameReleased])
      .when(reserveName('op-2'))
      .then([{ type: 'VpcNameReserved', data: { ...target, createdBy: 'op-2' } }]);
    const create = { type: 'CreateVpc', ...created.data } as const;
    given([nameReserved]).when(create).then([created]);
    given([nameReserved])
      .when({ ...create, createdBy: 'op-2' })
      .thenThrows(AlreadyExistsError);
  });

  it('refuses every change to a VPC that does not exist, is only reserved or was deleted', () => {
    const deleted = {
      type: 'VpcDeleted',
      data: { ...target, l3Vni: 50000, createdBy: 'op-1' },
    } as const;
    const nameReserved = {
      type: 'VpcNameReserved',
      data: { ...target, createdBy: 'op-1' },
    } as const;
    for (const history of [[], [nameReserved], [created, deleted]]) {
      given(history)
        .when({ ...target, type: 'UpdateVpc', displayName: 'x' })
        .thenThrows(NotFoundError, { resourceName: 'tenants/acme/vpcs/blue' });
      given(history).when(reserve('web', '10.0.1.0/24')).thenThrows(NotFoundError);
      given(history)
        .when({ ...target, type: 'ReleaseSubnetCidr', subnetId: 'web', owner: 'op-web' })
        .thenThrows(NotFoundError);
    }
  });

  it('holds its external gateway: one at a time, and cannot be deleted while it has one', () => {
    const attach = {
      ...target,
      type: 'AttachExternalGateway',
      externalNetworkId: 'internet',
      owner: 'op-9',
    } as const;
    const attached = {
      type: 'VpcExternalGatewayAttached',
      data: { externalNetworkId: 'internet', owner: 'op-9' },
    } as const;
    given([created]).when(attach).then([attached]);
    given([created, attached]).when(attach).then([]);
    given([created, attached])
      .when({ ...attach, owner: 'op-10' })
      .thenThrows(AlreadyExistsError);
    given([created, attached])
      .when({ ...target, type: 'DeleteVpc' })
      .thenThrows(FailedPreconditionError, { type: 'HAS_EXTERNAL_GATEWAY' });
    const detached = { type: 'VpcExternalGatewayDetached', data: attached.data } as const;
    given([created, attached])
      .when({ ...target, type: 'DetachExternalGateway', owner: 'op-9' })
      .then([detached]);
    given([created, attached, detached])
      .when({ ...target, type: 'DeleteVpc' })
      .then([{ type: 'VpcDeleted', data: { ...target, l3Vni: 50000, createdBy: 'op-1' } }]);
  });
});
