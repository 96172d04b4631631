import { FailedPreconditionError } from '@loom/errors';
import { specify } from '@loom/intents/testing';
import { describeResourceLifecycle, withEtag } from '../testing/resource-lifecycle.contract';
import { floatingIpDecider } from './floating-ip.decider';
import type { FloatingIpCreated } from './floating-ip.events';

const target = { tenantId: 'acme', floatingIpId: 'web' };
const created: FloatingIpCreated = {
  type: 'FloatingIpCreated',
  data: {
    ...target,
    displayName: 'Web',
    externalNetworkId: 'internet',
    address: '203.0.113.7',
    createdBy: 'op-1',
  },
};
const vm1 = {
  port: 'tenants/acme/vpcs/blue/subnets/web/ports/vm1',
  vpcId: 'blue',
  fixedIp: '10.0.1.5',
};
const vm2 = {
  port: 'tenants/acme/vpcs/blue/subnets/web/ports/vm2',
  vpcId: 'blue',
  fixedIp: '10.0.1.6',
};
const associate = (association: typeof vm1 | null, operation = 'op-2') =>
  ({ ...target, type: 'AssociateFloatingIp', association, operation }) as const;
const given = specify(floatingIpDecider);

describe('floating IP decider', () => {
  describeResourceLifecycle({
    decider: floatingIpDecider,
    name: 'tenants/acme/floatingIps/web',
    created,
    displayName: 'Web',
    update: (displayName, etag) =>
      ({ ...target, type: 'UpdateFloatingIp', displayName, ...withEtag(etag) }) as const,
    updated: (displayName) => ({ type: 'FloatingIpUpdated', data: { displayName } }) as const,
    remove: (etag) => ({ ...target, type: 'DeleteFloatingIp', ...withEtag(etag) }) as const,
    deleted: {
      type: 'FloatingIpDeleted',
      data: { ...target, externalNetworkId: 'internet', address: '203.0.113.7', createdBy: 'op-1' },
    },
  });

  it('associates, moves (one port at a time, the previous one recorded) and disassociates', () => {
    const first = {
      type: 'FloatingIpAssociated',
      data: { association: vm1, previous: null, operation: 'op-2' },
    } as const;
    given([created]).when(associate(vm1)).then([first]);
    given([created, first]).when(associate(vm1, 'op-3')).then([]);
    given([created, first])
      .when(associate(vm2, 'op-3'))
      .then([
        {
          type: 'FloatingIpAssociated',
          data: { association: vm2, previous: vm1, operation: 'op-3' },
        },
      ]);
    given([created, first])
      .when(associate(null, 'op-3'))
      .then([{ type: 'FloatingIpDisassociated', data: { previous: vm1, operation: 'op-3' } }]);
    given([created]).when(associate(null)).then([]);
  });

  it('cannot be deleted while associated', () => {
    given([
      created,
      {
        type: 'FloatingIpAssociated',
        data: { association: vm1, previous: null, operation: 'op-2' },
      },
    ])
      .when({ ...target, type: 'DeleteFloatingIp' })
      .thenThrows(FailedPreconditionError, { type: 'ASSOCIATED' });
  });
});
