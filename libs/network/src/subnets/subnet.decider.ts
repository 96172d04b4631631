import type { Decider } from '@loom/intents';
import { FailedPreconditionError, NotFoundError } from '@loom/errors';
import { subnetName } from '@loom/names';
import {
  changesDisplayName,
  checkEtag,
  isRetriedCreate,
  withUpdate,
} from '../shared/resource-lifecycle';
import {
  allocateAddress,
  evolveAddresses,
  noAddresses,
  releaseAddress,
  type AddressRequest,
  type Allocation,
  type SubnetAddresses,
} from './subnet-addresses';
import type { SubnetEvent } from './subnet.events';

export type SubnetState =
  | { readonly status: 'Absent' }
  | { readonly status: 'Deleted' }
  | (SubnetAddresses & {
      readonly status: 'Active';
      readonly displayName: string;
      readonly createdBy: string;
      readonly version: number;
    });

interface SubnetTarget {
  readonly tenantId: string;
  readonly vpcId: string;
  readonly subnetId: string;
}

export type SubnetCommand =
  | (SubnetTarget & {
      readonly type: 'CreateSubnet';
      readonly displayName: string;
      readonly cidr: string;
      readonly gatewayIp: string;
      readonly l2Vni: number;
      readonly createdBy: string;
    })
  | (SubnetTarget & {
      readonly type: 'UpdateSubnet';
      readonly displayName: string;
      readonly etag?: string;
    })
  | (SubnetTarget & { readonly type: 'DeleteSubnet'; readonly etag?: string })
  | (SubnetTarget & AddressRequest & { readonly type: 'AllocateAddress' })
  | (SubnetTarget & {
      readonly type: 'ReleaseAddress';
      readonly portId: string;
      readonly owner: string;
    });

export const allocationOf = (state: SubnetState, portId: string): Allocation | undefined =>
  state.status === 'Active' ? state.allocations.get(portId) : undefined;

export const subnetDecider: Decider<SubnetCommand, SubnetEvent, SubnetState> = {
  initialState: () => ({ status: 'Absent' }),

  decide(command, state) {
    const name = subnetName(command.tenantId, command.vpcId, command.subnetId);
    if (command.type === 'CreateSubnet') {
      if (isRetriedCreate(state, command.createdBy, name)) return [];
      const { type: _type, ...data } = command;
      return [{ type: 'SubnetCreated', data }];
    }
    if (state.status !== 'Active') throw new NotFoundError(name);
    switch (command.type) {
      case 'UpdateSubnet':
        if (!changesDisplayName(state, command, name, 'subnet')) return [];
        return [{ type: 'SubnetUpdated', data: { displayName: command.displayName } }];
      case 'DeleteSubnet': {
        checkEtag(state, command.etag, name, 'subnet');
        if (state.allocations.size > 0) {
          throw new FailedPreconditionError(
            name,
            'HAS_PORTS',
            `the subnet still has ${state.allocations.size} port(s)`,
          );
        }
        const { tenantId, vpcId, subnetId, cidr, l2Vni, createdBy } = state;
        return [
          { type: 'SubnetDeleted', data: { tenantId, vpcId, subnetId, cidr, l2Vni, createdBy } },
        ];
      }
      case 'AllocateAddress':
        return allocateAddress(state, command);
      case 'ReleaseAddress':
        return releaseAddress(state, command.portId, command.owner);
      default: {
        const exhaustive: never = command;
        return exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'SubnetCreated':
        return { status: 'Active', ...event.data, ...noAddresses(), version: 1 };
      case 'SubnetDeleted':
        return { status: 'Deleted' };
      case 'SubnetUpdated':
        return state.status === 'Active' ? withUpdate(state, event.data) : state;
      case 'SubnetAddressAllocated':
      case 'SubnetAddressReleased':
        return state.status === 'Active' ? evolveAddresses(state, event) : state;
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};
