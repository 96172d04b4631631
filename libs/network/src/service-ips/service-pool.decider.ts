import { ResourceExhaustedError } from '@loom/errors';
import type { Decider } from '@loom/intents';
import { firstFreeSlash31, formatIpv4, parseCidr } from '../shared/ipv4';
import type { ServicePoolEvent } from './service-pool.events';

/** Block (`100.64.0.0/31`) -> the owner holding it, and the service IP it is for. */
export interface ServicePoolState {
  readonly blocks: ReadonlyMap<string, string>;
  readonly resources: ReadonlyMap<string, string>;
}

export type ServicePoolCommand =
  | {
      readonly type: 'AllocateServiceBlock';
      /** The configured pool, e.g. `100.64.0.0/16` (LOOM_SERVICE_POOL). */
      readonly pool: string;
      readonly owner: string;
      /** The service IP's name. */
      readonly resource: string;
    }
  | { readonly type: 'ReleaseServiceBlock'; readonly owner: string };

/**
 * The two ends of a service block: the node's (first) and the VRF's (second, the VPC's address
 * on the management network), each with /31.
 */
export function serviceEnds(block: string): { nodeAddress: string; vrfAddress: string } {
  const cidr = parseCidr(block);
  if ('error' in cidr) throw new Error(`invalid service block ${block}`);
  return {
    nodeAddress: `${formatIpv4(cidr.network)}/31`,
    vrfAddress: `${formatIpv4(cidr.network + 1)}/31`,
  };
}

export function serviceBlockOf(state: ServicePoolState, owner: string): string | undefined {
  for (const [block, holder] of state.blocks) if (holder === owner) return block;
  return undefined;
}

/**
 * The management-side addresses of service IPs (100.64.0.0/16 unless configured): a /31 per
 * VPC, unique on the management network (which routes the pool to the service node), never two
 * service IPs on one, given back when the service IP goes.
 */
export const servicePoolDecider: Decider<ServicePoolCommand, ServicePoolEvent, ServicePoolState> = {
  initialState: () => ({ blocks: new Map(), resources: new Map() }),

  decide(command, state) {
    const held = serviceBlockOf(state, command.owner);
    if (command.type === 'ReleaseServiceBlock') {
      return held === undefined
        ? []
        : [{ type: 'ServiceBlockReleased', data: { block: held, owner: command.owner } }];
    }
    if (held !== undefined) return [];
    const pool = parseCidr(command.pool);
    if ('error' in pool) throw new Error(`invalid service pool ${command.pool}`);
    const block = firstFreeSlash31(pool, state.blocks);
    if (block !== undefined) {
      const { owner, resource } = command;
      return [{ type: 'ServiceBlockAllocated', data: { block, owner, resource } }];
    }
    throw new ResourceExhaustedError(
      'service-pool',
      `every /31 of the service pool ${command.pool} is in use`,
    );
  },

  evolve(state, event) {
    const blocks = new Map(state.blocks);
    const resources = new Map(state.resources);
    if (event.type === 'ServiceBlockAllocated') {
      blocks.set(event.data.block, event.data.owner);
      resources.set(event.data.block, event.data.resource);
    } else {
      blocks.delete(event.data.block);
      resources.delete(event.data.block);
    }
    return { blocks, resources };
  },
};
