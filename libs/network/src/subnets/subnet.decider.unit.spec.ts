import {
  AlreadyExistsError,
  FailedPreconditionError,
  NotFoundError,
  ResourceExhaustedError,
} from '@loom/errors';
import { specify } from '@loom/intents/testing';
import { describeResourceLifecycle, withEtag } from '../testing/resource-lifecycle.contract';
import { subnetDecider } from './subnet.decider';
import type { SubnetCreated, SubnetDeleted } from './subnet.events';

const target = { tenantId: 'acme', vpcId: 'blue', subnetId: 'web' };
const created: SubnetCreated = {
  type: 'SubnetCreated',
  data: {
    ...target,
    displayName: '',
    cidr: '10.0.1.0/29',
    gatewayIp: '10.0.1.1',
    l2Vni: 100000,
    createdBy: 'op-1',
  },
};
const allocate = (portId: string, ip?: string, macAddress?: string) =>
  ({ ...target, type: 'AllocateAddress', portId, ip, macAddress, owner: `op-${portId}` }) as const;
const deleted: SubnetDeleted = {
  type: 'SubnetDeleted',
  data: { ...target, cidr: '10.0.1.0/29', l2Vni: 100000, createdBy: 'op-1' },
};
const name = 'tenants/acme/vpcs/blue/subnets/web';
const given = specify(subnetDecider);

describe('subnet decider', () => {
  describeResourceLifecycle({
    decider: subnetDecider,
    name,
    created,
    displayName: '',
    update: (displayName, etag) =>
      ({
        ...target,
        type: 'UpdateSubnet',
        displayName,
        ...withEtag(etag),
      }) as const,
    updated: (displayName) => ({ type: 'SubnetUpdated', data: { displayName } }) as const,
    remove: (etag) => ({ ...target, type: 'DeleteSubnet', ...withEtag(etag) }) as const,
    deleted,
  });

  it('gives the next free host address, skipping the gateway, with a MAC derived from VNI and address', () => {
    given([created])
      .when(allocate('p1'))
      .then([
        {
          type: 'SubnetAddressAllocated',
          data: { portId: 'p1', ip: '10.0.1.2', macAddress: '02:86:a0:00:01:02', owner: 'op-p1' },
        },
      ]);
  });

  it('never gives the network, broadcast or gateway address, nor one already given', () => {
    for (const ip of ['10.0.1.0', '10.0.1.7', '10.0.1.1']) {
      given([created])
        .when(allocate('p1', ip))
        .thenThrows(FailedPreconditionError, /network or broadcast|gateway/);
    }
    const first = {
      type: 'SubnetAddressAllocated',
      data: { portId: 'p1', ip: '10.0.1.3', macAddress: '02:00:00:00:00:01', owner: 'op-p1' },
    } as const;
    given([created, first])
      .when(allocate('p2', '10.0.1.3'))
      .thenThrows(FailedPreconditionError, /already given/);
    given([created, first])
      .when(allocate('p2', undefined, '02:00:00:00:00:01'))
      .thenThrows(FailedPreconditionError, /already used/);
    given([created])
      .when(allocate('p1', '10.0.2.3'))
      .thenThrows(FailedPreconditionError, /not inside/);
  });

  it('runs out cleanly when every host address is given', () => {
    const full = ['10.0.1.2', '10.0.1.3', '10.0.1.4', '10.0.1.5', '10.0.1.6'].map(
      (ip, index) =>
        ({
          type: 'SubnetAddressAllocated',
          data: {
            portId: `p${index}`,
            ip,
            macAddress: `02:00:00:00:00:0${index}`,
            owner: `op-p${index}`,
          },
        }) as const,
    );
    given([created, ...full])
      .when(allocate('p9'))
      .thenThrows(ResourceExhaustedError);
  });

  it('refuses to delete a subnet that still has ports', () => {
    const port = {
      type: 'SubnetAddressAllocated',
      data: { portId: 'p1', ip: '10.0.1.2', macAddress: '02:00:00:00:00:01', owner: 'op-p1' },
    } as const;
    given([created, port])
      .when({ ...target, type: 'DeleteSubnet' })
      .thenThrows(FailedPreconditionError, /still has 1 port/);
  });
  it('creates a subnet once; a retry by the same operation decides nothing, another creator is refused', () => {
    const create = { type: 'CreateSubnet', ...created.data } as const;
    given([]).when(create).then([created]);
    given([created]).when(create).then([]);
    given([created])
      .when({ ...create, createdBy: 'op-2' })
      .thenThrows(AlreadyExistsError, { resourceName: name });
    given([created, deleted])
      .when({ ...create, createdBy: 'op-2' })
      .then([{ ...created, data: { ...created.data, createdBy: 'op-2' } }]);
  });

  it('gives a port its address once: a retry by its operation decides nothing, another is refused', () => {
    const first = {
      type: 'SubnetAddressAllocated',
      data: { portId: 'p1', ip: '10.0.1.2', macAddress: '02:86:a0:00:01:02', owner: 'op-p1' },
    } as const;
    given([created, first]).when(allocate('p1')).then([]);
    given([created, first])
      .when({ ...allocate('p1'), owner: 'op-other' })
      .thenThrows(AlreadyExistsError, { resourceName: `${name}/ports/p1` });
    given([created, deleted]).when(allocate('p1')).thenThrows(NotFoundError);
  });

  it("releases a port's address only for the operation that holds it, then gives it again", () => {
    const first = {
      type: 'SubnetAddressAllocated',
      data: { portId: 'p1', ip: '10.0.1.2', macAddress: '02:86:a0:00:01:02', owner: 'op-p1' },
    } as const;
    const release = (owner: string) =>
      ({ ...target, type: 'ReleaseAddress', portId: 'p1', owner }) as const;
    const released = { type: 'SubnetAddressReleased', data: first.data } as const;
    given([created, first]).when(release('op-p1')).then([released]);
    given([created, first]).when(release('op-other')).then([]);
    given([created, first, released]).when(release('op-p1')).then([]);
    given([created, first, released])
      .when(allocate('p2'))
      .then([
        {
          type: 'SubnetAddressAllocated',
          data: { portId: 'p2', ip: '10.0.1.2', macAddress: '02:86:a0:00:01:02', owner: 'op-p2' },
        },
      ]);
    given([created, first, released])
      .when({ ...target, type: 'DeleteSubnet' })
      .then([deleted]);
  });
});
