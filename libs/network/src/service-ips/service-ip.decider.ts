import { NotFoundError } from '@loom/errors';
import type { Decider } from '@loom/intents';
import { checkEtag, isRetriedCreate } from '../shared/resource-lifecycle';
import type { ServiceIpCreated, ServiceIpEvent } from './service-ip.events';
import { serviceIpName } from './service-ip-names';

export type ServiceIpStatus = 'PENDING' | 'ACTIVE' | 'ERROR';

export type ServiceIpState =
  | { readonly status: 'Absent' }
  | { readonly status: 'Deleted' }
  | (ServiceIpCreated['data'] & {
      readonly status: 'Active';
      readonly serviceIpStatus: ServiceIpStatus;
      /** Why it is ERROR: the failed fabric step; empty otherwise. */
      readonly statusReason: string;
      readonly version: number;
    });

export type ActiveServiceIp = Extract<ServiceIpState, { status: 'Active' }>;

interface Target {
  readonly tenantId: string;
  readonly vpcId: string;
}

export type ServiceIpCommand =
  | (Target &
      Omit<ServiceIpCreated['data'], 'tenantId' | 'vpcId'> & { readonly type: 'CreateServiceIp' })
  | (Target & { readonly type: 'ActivateServiceIp' })
  | (Target & { readonly type: 'FailServiceIp'; readonly reason: string })
  | (Target & { readonly type: 'DeleteServiceIp'; readonly etag?: string })
  | (Target & {
      readonly type: 'RestoreServiceIp';
      readonly deleted: ServiceIpCreated['data'];
      readonly reason: string;
    });

/** A VPC's service IP (a singleton of the VPC): its prefixes, node, link and address. */
export const serviceIpDecider: Decider<ServiceIpCommand, ServiceIpEvent, ServiceIpState> = {
  initialState: () => ({ status: 'Absent' }),

  decide(command, state) {
    const name = serviceIpName(command.tenantId, command.vpcId);
    if (command.type === 'CreateServiceIp') {
      if (isRetriedCreate(state, command.createdBy, name)) return [];
      const { type: _type, ...data } = command;
      return [{ type: 'ServiceIpCreated', data }];
    }
    if (command.type === 'RestoreServiceIp') {
      // Only the one that was deleted comes back; a new one made meanwhile stays.
      return state.status === 'Deleted'
        ? [{ type: 'ServiceIpRestored', data: { ...command.deleted, reason: command.reason } }]
        : [];
    }
    if (state.status !== 'Active') throw new NotFoundError(name);
    switch (command.type) {
      case 'ActivateServiceIp':
        return state.serviceIpStatus === 'ACTIVE' ? [] : [{ type: 'ServiceIpActivated', data: {} }];
      case 'FailServiceIp':
        return state.serviceIpStatus === 'ERROR'
          ? []
          : [{ type: 'ServiceIpFailed', data: { reason: command.reason } }];
      case 'DeleteServiceIp': {
        checkEtag(state, command.etag, name, 'service IP');
        const { status: _s, serviceIpStatus: _i, statusReason: _r, version: _v, ...data } = state;
        return [{ type: 'ServiceIpDeleted', data }];
      }
      default: {
        const exhaustive: never = command;
        return exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ServiceIpCreated':
        return {
          status: 'Active',
          ...event.data,
          serviceIpStatus: 'PENDING',
          statusReason: '',
          version: 1,
        };
      case 'ServiceIpActivated':
        return state.status === 'Active'
          ? {
              ...state,
              serviceIpStatus: 'ACTIVE',
              statusReason: '',
              version: state.version + 1,
            }
          : state;
      case 'ServiceIpFailed':
        return state.status === 'Active'
          ? {
              ...state,
              serviceIpStatus: 'ERROR',
              statusReason: event.data.reason,
              version: state.version + 1,
            }
          : state;
      case 'ServiceIpDeleted':
        return { status: 'Deleted' };
      case 'ServiceIpRestored': {
        const { reason, ...data } = event.data;
        return {
          status: 'Active',
          ...data,
          serviceIpStatus: 'ERROR',
          statusReason: reason,
          version: 1,
        };
      }
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};
