import { ResourceExhaustedError } from '@loom/errors';
import type { Decider } from '@loom/intents';
import { firstFreeSlash31, formatIpv4, parseCidr } from '../shared/ipv4';
import type { TransferPoolEvent } from './transfer-pool.events';

/** Block (`172.16.0.0/31`) -> the owner holding it, and the gateway it is for. */
export interface TransferPoolState {
  readonly blocks: ReadonlyMap<string, string>;
  readonly resources: ReadonlyMap<string, string>;
}

export type TransferPoolCommand =
  | {
      readonly type: 'AllocateTransferBlock';
      /** The configured pool, e.g. `172.16.0.0/16` (LOOM_TRANSFER_POOL). */
      readonly pool: string;
      readonly owner: string;
      /** The external gateway's name. */
      readonly resource: string;
    }
  | { readonly type: 'ReleaseTransferBlock'; readonly owner: string };

/** The two ends of a transfer block: the VRF's (first) and the gateway's (second), with /31. */
export function transferEnds(block: string): { vrfAddress: string; gatewayAddress: string } {
  const cidr = parseCidr(block);
  if ('error' in cidr) throw new Error(`invalid transfer block ${block}`);
  return {
    vrfAddress: `${formatIpv4(cidr.network)}/31`,
    gatewayAddress: `${formatIpv4(cidr.network + 1)}/31`,
  };
}

export function transferBlockOf(state: TransferPoolState, owner: string): string | undefined {
  for (const [block, holder] of state.blocks) if (holder === owner) return block;
  return undefined;
}

/**
 * The private transfer addresses of external gateways (172.16.0.0/16 unless configured): a /31
 * per VPC gateway, the same on every gateway node (each link is local to its node), never two
 * gateways on one, given back when the gateway goes.
 */
export const transferPoolDecider: Decider<
  TransferPoolCommand,
  TransferPoolEvent,
  TransferPoolState
> = {
  initialState: () => ({ blocks: new Map(), resources: new Map() }),

  decide(command, state) {
    const held = transferBlockOf(state, command.owner);
    if (command.type === 'ReleaseTransferBlock') {
      return held === undefined
        ? []
        : [{ type: 'TransferBlockReleased', data: { block: held, owner: command.owner } }];
    }
    if (held !== undefined) return [];
    const pool = parseCidr(command.pool);
    if ('error' in pool) throw new Error(`invalid transfer pool ${command.pool}`);
    const block = firstFreeSlash31(pool, state.blocks);
    if (block !== undefined) {
      const { owner, resource } = command;
      return [{ type: 'TransferBlockAllocated', data: { block, owner, resource } }];
    }
    throw new ResourceExhaustedError(
      'transfer-pool',
      `every /31 of the transfer pool ${command.pool} is in use`,
    );
  },

  evolve(state, event) {
    const blocks = new Map(state.blocks);
    const resources = new Map(state.resources);
    if (event.type === 'TransferBlockAllocated') {
      blocks.set(event.data.block, event.data.owner);
      resources.set(event.data.block, event.data.resource);
    } else {
      blocks.delete(event.data.block);
      resources.delete(event.data.block);
    }
    return { blocks, resources };
  },
};
