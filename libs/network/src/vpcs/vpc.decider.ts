import type { Decider } from '@loom/intents';
import { AlreadyExistsError, FailedPreconditionError, NotFoundError } from '@loom/errors';
import { containsCidr, formatCidr, overlaps, parseCidr, type Cidr } from '../shared/ipv4';
import { subnetName, vpcName } from '@loom/names';
import { changesDisplayName, checkEtag, withUpdate } from '../shared/resource-lifecycle';
import type { VpcEvent, VpcRouting } from './vpc.events';

export type VpcState =
  | { readonly status: 'Absent' }
  | { readonly status: 'Deleted' }
  | { readonly status: 'Reserved'; readonly createdBy: string }
  | {
      readonly status: 'Active';
      readonly tenantId: string;
      readonly vpcId: string;
      readonly displayName: string;
      readonly cidrBlocks: readonly string[];
      readonly routing: VpcRouting;
      readonly createdBy: string;
      /** subnet id -> its block and the operation that reserved it. */
      readonly subnets: ReadonlyMap<string, SubnetReservation>;
      /** The external gateway's network and owner (its create operation), while it exists. */
      readonly externalGateway?: { readonly externalNetworkId: string; readonly owner: string };
      readonly version: number;
    };

type ActiveVpc = Extract<VpcState, { status: 'Active' }>;

interface SubnetReservation {
  readonly cidr: string;
  readonly owner: string;
}

interface VpcTarget {
  readonly tenantId: string;
  readonly vpcId: string;
}

export type VpcCommand =
  | (VpcTarget & { readonly type: 'ReserveVpcName'; readonly createdBy: string })
  | (VpcTarget & { readonly type: 'ReleaseVpcName'; readonly createdBy: string })
  | (VpcTarget & {
      readonly type: 'CreateVpc';
      readonly displayName: string;
      readonly cidrBlocks: readonly string[];
      readonly routing: VpcRouting;
      readonly createdBy: string;
    })
  | (VpcTarget & {
      readonly type: 'UpdateVpc';
      readonly displayName: string;
      readonly etag?: string;
    })
  | (VpcTarget & { readonly type: 'DeleteVpc'; readonly etag?: string })
  | (VpcTarget & {
      readonly type: 'ReserveSubnetCidr';
      readonly subnetId: string;
      readonly cidr: string;
      readonly owner: string;
    })
  | (VpcTarget & {
      readonly type: 'ReleaseSubnetCidr';
      readonly subnetId: string;
      readonly owner: string;
    })
  | (VpcTarget & {
      readonly type: 'AttachExternalGateway';
      readonly externalNetworkId: string;
      readonly owner: string;
    })
  | (VpcTarget & { readonly type: 'DetachExternalGateway'; readonly owner: string });

export const vpcDecider: Decider<VpcCommand, VpcEvent, VpcState> = {
  initialState: () => ({ status: 'Absent' }),

  decide(command, state) {
    const name = vpcName(command.tenantId, command.vpcId);
    const ownedBy =
      state.status === 'Reserved' || state.status === 'Active' ? state.createdBy : undefined;
    switch (command.type) {
      case 'ReserveVpcName': {
        if (ownedBy === command.createdBy) return [];
        if (ownedBy !== undefined) throw new AlreadyExistsError(name);
        const { tenantId, vpcId, createdBy } = command;
        return [{ type: 'VpcNameReserved', data: { tenantId, vpcId, createdBy } }];
      }
      case 'ReleaseVpcName':
        return state.status === 'Reserved' && ownedBy === command.createdBy
          ? [{ type: 'VpcNameReleased', data: { createdBy: command.createdBy } }]
          : [];
      case 'CreateVpc': {
        // A retried create of the same operation already happened: nothing more to do.
        if (state.status === 'Active' && ownedBy === command.createdBy) return [];
        if (ownedBy !== undefined && ownedBy !== command.createdBy)
          throw new AlreadyExistsError(name);
        const { tenantId, vpcId, displayName, cidrBlocks, routing, createdBy } = command;
        return [
          {
            type: 'VpcCreated',
            data: { tenantId, vpcId, displayName, cidrBlocks, routing, createdBy },
          },
        ];
      }
      default:
        break;
    }
    if (state.status !== 'Active') throw new NotFoundError(name);
    switch (command.type) {
      case 'UpdateVpc':
        if (!changesDisplayName(state, command, name, 'VPC')) return [];
        return [{ type: 'VpcUpdated', data: { displayName: command.displayName } }];
      case 'DeleteVpc':
        checkEtag(state, command.etag, name, 'VPC');
        if (state.subnets.size > 0) {
          throw new FailedPreconditionError(
            name,
            'HAS_SUBNETS',
            `the VPC still has ${state.subnets.size} subnet(s)`,
          );
        }
        if (state.externalGateway) {
          throw new FailedPreconditionError(
            name,
            'HAS_EXTERNAL_GATEWAY',
            `the VPC still has an external gateway (${name}/externalGateway, to externalNetworks/${state.externalGateway.externalNetworkId}): delete it first`,
          );
        }
        return [
          {
            type: 'VpcDeleted',
            data: {
              tenantId: state.tenantId,
              vpcId: state.vpcId,
              l3Vni: state.routing.l3Vni,
              createdBy: state.createdBy,
            },
          },
        ];
      case 'ReserveSubnetCidr':
        return reserveSubnetCidr(state, command.subnetId, command.cidr, command.owner);
      case 'ReleaseSubnetCidr': {
        const held = state.subnets.get(command.subnetId);
        if (held?.owner !== command.owner) return [];
        return [{ type: 'VpcSubnetCidrReleased', data: { subnetId: command.subnetId, ...held } }];
      }
      case 'AttachExternalGateway': {
        const held = state.externalGateway;
        if (held?.owner === command.owner) return [];
        if (held) throw new AlreadyExistsError(`${name}/externalGateway`);
        const { externalNetworkId, owner } = command;
        return [{ type: 'VpcExternalGatewayAttached', data: { externalNetworkId, owner } }];
      }
      case 'DetachExternalGateway': {
        const held = state.externalGateway;
        if (held?.owner !== command.owner) return [];
        return [{ type: 'VpcExternalGatewayDetached', data: held }];
      }
      default: {
        const exhaustive: never = command;
        return exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'VpcNameReserved':
        return { status: 'Reserved', createdBy: event.data.createdBy };
      case 'VpcNameReleased':
        return { status: 'Absent' };
      case 'VpcCreated':
        return { status: 'Active', ...event.data, subnets: new Map(), version: 1 };
      case 'VpcDeleted':
        return { status: 'Deleted' };
      case 'VpcUpdated':
        return state.status === 'Active' ? withUpdate(state, event.data) : state;
      case 'VpcSubnetCidrReserved':
      case 'VpcSubnetCidrReleased': {
        if (state.status !== 'Active') return state;
        const subnets = new Map(state.subnets);
        if (event.type === 'VpcSubnetCidrReserved') {
          subnets.set(event.data.subnetId, { cidr: event.data.cidr, owner: event.data.owner });
        } else subnets.delete(event.data.subnetId);
        return { ...state, subnets };
      }
      case 'VpcExternalGatewayAttached':
        return state.status === 'Active' ? { ...state, externalGateway: event.data } : state;
      case 'VpcExternalGatewayDetached': {
        if (state.status !== 'Active') return state;
        const { externalGateway: _gone, ...rest } = state;
        return rest;
      }
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};

function reserveSubnetCidr(
  vpc: ActiveVpc,
  subnetId: string,
  cidrText: string,
  owner: string,
): VpcEvent[] {
  const held = vpc.subnets.get(subnetId);
  if (held?.owner === owner) return [];
  if (held !== undefined)
    throw new AlreadyExistsError(subnetName(vpc.tenantId, vpc.vpcId, subnetId));
  const cidr = asCidr(cidrText);
  const blocks = vpc.cidrBlocks.map(asCidr);
  if (!blocks.some((block) => containsCidr(block, cidr))) {
    throw new FailedPreconditionError(
      'subnet.cidr',
      'OUTSIDE_VPC_BLOCKS',
      `${cidrText} is not inside the VPC's blocks (${vpc.cidrBlocks.join(', ')})`,
    );
  }
  for (const [otherId, other] of vpc.subnets) {
    if (overlaps(cidr, asCidr(other.cidr))) {
      throw new FailedPreconditionError(
        'subnet.cidr',
        'OVERLAPS_SUBNET',
        `${formatCidr(cidr)} overlaps subnet ${otherId} (${other.cidr})`,
      );
    }
  }
  return [{ type: 'VpcSubnetCidrReserved', data: { subnetId, cidr: cidrText, owner } }];
}

/** Blocks in state and commands were validated at the edge; a malformed one here is a bug. */
function asCidr(text: string): Cidr {
  const cidr = parseCidr(text);
  if ('error' in cidr) throw new Error(`invalid CIDR in VPC state: ${text}`);
  return cidr;
}
