import { ResourceExhaustedError } from '@loom/errors';
import { specify } from '@loom/intents/testing';
import { transferEnds, transferPoolDecider } from './transfer-pool.decider';

const given = specify(transferPoolDecider);
const allocate = (owner: string, pool = '172.16.0.0/16') =>
  ({ type: 'AllocateTransferBlock', pool, owner, resource: `gateway-${owner}` }) as const;
const allocated = (block: string, owner: string) =>
  ({
    type: 'TransferBlockAllocated',
    data: { block, owner, resource: `gateway-${owner}` },
  }) as const;

describe('transfer pool decider', () => {
  it('gives each owner a /31 of its own, the first free one, once', () => {
    given([])
      .when(allocate('a'))
      .then([allocated('172.16.0.0/31', 'a')]);
    given([allocated('172.16.0.0/31', 'a')])
      .when(allocate('a'))
      .then([]);
    given([allocated('172.16.0.0/31', 'a')])
      .when(allocate('b'))
      .then([allocated('172.16.0.2/31', 'b')]);
  });

  it('takes a released block back, and refuses when the pool is used up', () => {
    const pool = '172.16.0.0/30';
    const full = [allocated('172.16.0.0/31', 'a'), allocated('172.16.0.2/31', 'b')];
    given(full)
      .when(allocate('c', pool))
      .thenThrows(ResourceExhaustedError, { subject: 'transfer-pool' });
    given(full)
      .when({ type: 'ReleaseTransferBlock', owner: 'a' })
      .then([{ type: 'TransferBlockReleased', data: { block: '172.16.0.0/31', owner: 'a' } }]);
    given([
      ...full,
      { type: 'TransferBlockReleased', data: { block: '172.16.0.0/31', owner: 'a' } },
    ])
      .when(allocate('c', pool))
      .then([allocated('172.16.0.0/31', 'c')]);
  });

  it("names a block's ends: the VRF's first, the gateway's second", () => {
    expect(transferEnds('172.16.3.4/31')).toEqual({
      vrfAddress: '172.16.3.4/31',
      gatewayAddress: '172.16.3.5/31',
    });
  });
});
