import {
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  ResourceExhaustedError,
} from '@loom/errors';
import { specify } from '@loom/intents/testing';
import { describeResourceLifecycle, withEtag } from '../testing/resource-lifecycle.contract';
import { externalNetworkDecider } from './external-network.decider';
import type { ExternalNetworkCreated } from './external-network.events';

const target = { externalNetworkId: 'internet' };
const created: ExternalNetworkCreated = {
  type: 'ExternalNetworkCreated',
  data: {
    ...target,
    displayName: 'Internet',
    pools: ['203.0.113.0/31', '198.51.100.8/31'],
    gatewayNodes: ['gw1', 'gw2'],
    upstreamPeers: [{ address: '198.51.100.240', asn: 64500 }],
    createdBy: 'portal',
  },
};
const allocate = (owner: string, address?: string) =>
  ({
    ...target,
    type: 'AllocatePublicAddress',
    owner,
    field: 'floating_ip.address',
    ...(address === undefined ? {} : { address }),
  }) as const;
const allocated = (address: string, owner: string) =>
  ({ type: 'PublicAddressAllocated', data: { address, owner } }) as const;
const given = specify(externalNetworkDecider);

describe('external network decider', () => {
  describeResourceLifecycle({
    decider: externalNetworkDecider,
    name: 'externalNetworks/internet',
    created,
    displayName: 'Internet',
    update: (displayName, etag) =>
      ({ ...target, type: 'UpdateExternalNetwork', displayName, ...withEtag(etag) }) as const,
    updated: (displayName) => ({ type: 'ExternalNetworkUpdated', data: { displayName } }) as const,
    remove: (etag) => ({ ...target, type: 'DeleteExternalNetwork', ...withEtag(etag) }) as const,
    deleted: { type: 'ExternalNetworkDeleted', data: target },
  });

  it('gives the pools addresses in order, once per owner, until they are used up', () => {
    given([created])
      .when(allocate('fip-a'))
      .then([allocated('203.0.113.0', 'fip-a')]);
    given([created, allocated('203.0.113.0', 'fip-a')])
      .when(allocate('fip-a'))
      .then([]);
    const full = [
      created,
      allocated('203.0.113.0', 'a'),
      allocated('203.0.113.1', 'b'),
      allocated('198.51.100.8', 'c'),
    ];
    given(full)
      .when(allocate('d'))
      .then([allocated('198.51.100.9', 'd')]);
    given([...full, allocated('198.51.100.9', 'd')])
      .when(allocate('e'))
      .thenThrows(ResourceExhaustedError, { subject: 'externalNetworks/internet.pools' });
  });

  it('gives a requested address only from its pools and only once, naming the field', () => {
    given([created])
      .when(allocate('a', '198.51.100.9'))
      .then([allocated('198.51.100.9', 'a')]);
    given([created])
      .when(allocate('a', '198.51.100.10'))
      .thenThrows(InvalidArgumentError, {
        violations: [expect.objectContaining({ field: 'floating_ip.address' })],
      });
    given([created, allocated('198.51.100.9', 'a')])
      .when(allocate('b', '198.51.100.9'))
      .thenThrows(AlreadyExistsError);
  });

  it('releases what an owner holds; cannot go while an address is in use', () => {
    given([created, allocated('203.0.113.0', 'a')])
      .when({ ...target, type: 'ReleasePublicAddress', owner: 'a' })
      .then([{ type: 'PublicAddressReleased', data: { address: '203.0.113.0', owner: 'a' } }]);
    given([created])
      .when({ ...target, type: 'ReleasePublicAddress', owner: 'a' })
      .then([]);
    given([created, allocated('203.0.113.0', 'a')])
      .when({ ...target, type: 'DeleteExternalNetwork' })
      .thenThrows(FailedPreconditionError, { type: 'IN_USE' });
  });
});
