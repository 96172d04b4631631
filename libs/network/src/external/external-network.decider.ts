import {
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  ResourceExhaustedError,
  AlreadyExistsError,
} from '@loom/errors';
import type { Decider } from '@loom/intents';
import {
  containsAddress,
  formatIpv4,
  parseCidr,
  parseIpv4,
  blockSize,
  type Cidr,
} from '../shared/ipv4';
import {
  changesDisplayName,
  checkEtag,
  isRetriedCreate,
  withUpdate,
} from '../shared/resource-lifecycle';
import { externalNetworkName } from './external-names';
import type { ExternalNetworkEvent, UpstreamPeer } from './external-network.events';

export type ExternalNetworkState =
  | { readonly status: 'Absent' }
  | { readonly status: 'Deleted' }
  | {
      readonly status: 'Active';
      readonly externalNetworkId: string;
      readonly displayName: string;
      readonly pools: readonly string[];
      readonly gatewayNodes: readonly string[];
      readonly upstreamPeers: readonly UpstreamPeer[];
      readonly createdBy: string;
      /** Public address -> the owner holding it. */
      readonly allocations: ReadonlyMap<string, string>;
      readonly version: number;
    };

export type ActiveExternalNetwork = Extract<ExternalNetworkState, { status: 'Active' }>;

interface Target {
  readonly externalNetworkId: string;
}

export type ExternalNetworkCommand =
  | (Target & {
      readonly type: 'CreateExternalNetwork';
      readonly displayName: string;
      readonly pools: readonly string[];
      readonly gatewayNodes: readonly string[];
      readonly upstreamPeers: readonly UpstreamPeer[];
      readonly createdBy: string;
    })
  | (Target & {
      readonly type: 'UpdateExternalNetwork';
      readonly displayName: string;
      readonly etag?: string;
    })
  | (Target & { readonly type: 'DeleteExternalNetwork'; readonly etag?: string })
  | (Target & {
      readonly type: 'AllocatePublicAddress';
      readonly owner: string;
      /** A given address (it must be in a pool and free), or undefined for the next free one. */
      readonly address?: string;
      /** The request field a given address came from, named when it is refused. */
      readonly field: string;
    })
  | (Target & { readonly type: 'ReleasePublicAddress'; readonly owner: string });

function poolsOf(network: ActiveExternalNetwork): Cidr[] {
  return network.pools.flatMap((text) => {
    const cidr = parseCidr(text);
    return 'error' in cidr ? [] : [cidr];
  });
}

/** The next free address of the pools, in pool order (a routed pool: every address counts). */
function nextFree(network: ActiveExternalNetwork): string | undefined {
  for (const pool of poolsOf(network)) {
    for (let offset = 0; offset < blockSize(pool.prefixLength); offset += 1) {
      const address = formatIpv4(pool.network + offset);
      if (!network.allocations.has(address)) return address;
    }
  }
  return undefined;
}

function ownedAddress(network: ActiveExternalNetwork, owner: string): string | undefined {
  for (const [address, holder] of network.allocations) if (holder === owner) return address;
  return undefined;
}

/** The public address `owner` holds on the network, if any. */
export function publicAddressOf(state: ExternalNetworkState, owner: string): string | undefined {
  return state.status === 'Active' ? ownedAddress(state, owner) : undefined;
}

function allocate(
  network: ActiveExternalNetwork,
  command: Extract<ExternalNetworkCommand, { type: 'AllocatePublicAddress' }>,
): ExternalNetworkEvent[] {
  const name = externalNetworkName(network.externalNetworkId);
  const held = ownedAddress(network, command.owner);
  if (held !== undefined) return [];
  if (command.address !== undefined) {
    const value = parseIpv4(command.address);
    if (value === undefined || !poolsOf(network).some((pool) => containsAddress(pool, value))) {
      throw new InvalidArgumentError([
        {
          field: command.field,
          description: `${command.address} is not an address of ${name}'s pools (${network.pools.join(', ')})`,
        },
      ]);
    }
    if (network.allocations.has(command.address)) {
      throw new AlreadyExistsError(`${name}/addresses/${command.address}`);
    }
    return [
      { type: 'PublicAddressAllocated', data: { address: command.address, owner: command.owner } },
    ];
  }
  const address = nextFree(network);
  if (address === undefined) {
    throw new ResourceExhaustedError(
      `${name}.pools`,
      `every address of ${network.pools.join(', ')} is in use`,
    );
  }
  return [{ type: 'PublicAddressAllocated', data: { address, owner: command.owner } }];
}

/**
 * An external network (portal-managed): its public pools, gateway nodes and upstream peers, and
 * which public address each owner holds, so that no address is ever given twice.
 */
export const externalNetworkDecider: Decider<
  ExternalNetworkCommand,
  ExternalNetworkEvent,
  ExternalNetworkState
> = {
  initialState: () => ({ status: 'Absent' }),

  decide(command, state) {
    const name = externalNetworkName(command.externalNetworkId);
    if (command.type === 'CreateExternalNetwork') {
      if (isRetriedCreate(state, command.createdBy, name)) return [];
      const { type: _type, ...data } = command;
      return [{ type: 'ExternalNetworkCreated', data }];
    }
    if (state.status !== 'Active') {
      if (command.type === 'ReleasePublicAddress') return [];
      throw new NotFoundError(name);
    }
    switch (command.type) {
      case 'UpdateExternalNetwork':
        if (!changesDisplayName(state, command, name, 'external network')) return [];
        return [{ type: 'ExternalNetworkUpdated', data: { displayName: command.displayName } }];
      case 'DeleteExternalNetwork':
        checkEtag(state, command.etag, name, 'external network');
        if (state.allocations.size > 0) {
          throw new FailedPreconditionError(
            name,
            'IN_USE',
            `${state.allocations.size} public address(es) are in use: ${[...state.allocations.values()].join(', ')}`,
          );
        }
        return [
          { type: 'ExternalNetworkDeleted', data: { externalNetworkId: state.externalNetworkId } },
        ];
      case 'AllocatePublicAddress':
        return allocate(state, command);
      case 'ReleasePublicAddress': {
        const address = ownedAddress(state, command.owner);
        return address === undefined
          ? []
          : [{ type: 'PublicAddressReleased', data: { address, owner: command.owner } }];
      }
      default: {
        const exhaustive: never = command;
        return exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ExternalNetworkCreated':
        return { status: 'Active', ...event.data, allocations: new Map(), version: 1 };
      case 'ExternalNetworkUpdated':
        return state.status === 'Active' ? withUpdate(state, event.data) : state;
      case 'ExternalNetworkDeleted':
        return { status: 'Deleted' };
      case 'PublicAddressAllocated':
      case 'PublicAddressReleased': {
        if (state.status !== 'Active') return state;
        const allocations = new Map(state.allocations);
        if (event.type === 'PublicAddressAllocated')
          allocations.set(event.data.address, event.data.owner);
        else allocations.delete(event.data.address);
        return { ...state, allocations };
      }
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};
