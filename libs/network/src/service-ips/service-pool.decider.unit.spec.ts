import { ResourceExhaustedError } from '@loom/errors';
import { specify } from '@loom/intents/testing';
import { serviceEnds, servicePoolDecider } from './service-pool.decider';

const given = specify(servicePoolDecider);
const allocate = (owner: string, pool = '100.64.0.0/16') =>
  ({ type: 'AllocateServiceBlock', pool, owner, resource: `service-ip-${owner}` }) as const;
const allocated = (block: string, owner: string) =>
  ({
    type: 'ServiceBlockAllocated',
    data: { block, owner, resource: `service-ip-${owner}` },
  }) as const;

describe('service pool decider', () => {
  it('gives each owner a /31 of its own, the first free one, once', () => {
    given([])
      .when(allocate('a'))
      .then([allocated('100.64.0.0/31', 'a')]);
    given([allocated('100.64.0.0/31', 'a')])
      .when(allocate('a'))
      .then([]);
    given([allocated('100.64.0.0/31', 'a')])
      .when(allocate('b'))
      .then([allocated('100.64.0.2/31', 'b')]);
  });

  it('takes a released block back, and refuses when the pool is used up', () => {
    const pool = '100.64.0.0/30';
    const full = [allocated('100.64.0.0/31', 'a'), allocated('100.64.0.2/31', 'b')];
    given(full)
      .when(allocate('c', pool))
      .thenThrows(ResourceExhaustedError, { subject: 'service-pool' });
    const released = {
      type: 'ServiceBlockReleased',
      data: { block: '100.64.0.0/31', owner: 'a' },
    } as const;
    given(full).when({ type: 'ReleaseServiceBlock', owner: 'a' }).then([released]);
    given([...full, released])
      .when(allocate('c', pool))
      .then([allocated('100.64.0.0/31', 'c')]);
    given(full).when({ type: 'ReleaseServiceBlock', owner: 'nobody' }).then([]);
  });

  it("puts the node on a block's first address and the VPC on its second", () => {
    expect(serviceEnds('100.64.0.6/31')).toEqual({
      nodeAddress: '100.64.0.6/31',
      vrfAddress: '100.64.0.7/31',
    });
  });
});
