import { FailedPreconditionError, NotFoundError } from '@loom/errors';
import type { Decider } from '@loom/intents';
import {
  changesDisplayName,
  checkEtag,
  isRetriedCreate,
  withUpdate,
} from '../shared/resource-lifecycle';
import { floatingIpName } from './external-names';
import type { FloatingIpAssociation, FloatingIpEvent } from './floating-ip.events';

export type FloatingIpStatus = 'ACTIVE' | 'PENDING' | 'ERROR';

export type FloatingIpState =
  | { readonly status: 'Absent' }
  | { readonly status: 'Deleted' }
  | {
      readonly status: 'Active';
      readonly tenantId: string;
      readonly floatingIpId: string;
      readonly displayName: string;
      readonly externalNetworkId: string;
      readonly address: string;
      readonly association: FloatingIpAssociation | null;
      readonly floatingIpStatus: FloatingIpStatus;
      /** Why it is ERROR: the failed fabric step; empty otherwise. */
      readonly statusReason: string;
      readonly createdBy: string;
      readonly version: number;
    };

export type ActiveFloatingIp = Extract<FloatingIpState, { status: 'Active' }>;

interface Target {
  readonly tenantId: string;
  readonly floatingIpId: string;
}

export type FloatingIpCommand =
  | (Target & {
      readonly type: 'CreateFloatingIp';
      readonly displayName: string;
      readonly externalNetworkId: string;
      readonly address: string;
      readonly createdBy: string;
    })
  | (Target & {
      readonly type: 'UpdateFloatingIp';
      readonly displayName: string;
      readonly etag?: string;
    })
  | (Target & {
      readonly type: 'AssociateFloatingIp';
      /** null disassociates. */
      readonly association: FloatingIpAssociation | null;
      readonly operation: string;
      readonly etag?: string;
    })
  | (Target & { readonly type: 'ActivateFloatingIp' })
  | (Target & { readonly type: 'FailFloatingIp'; readonly reason: string })
  | (Target & { readonly type: 'DeleteFloatingIp'; readonly etag?: string });

const sameAssociation = (a: FloatingIpAssociation | null, b: FloatingIpAssociation | null) =>
  a?.port === b?.port && a?.fixedIp === b?.fixedIp;

/**
 * A tenant's floating IP: its public address (held in the external network's stream) and the
 * port it is associated with, if any. An association moves it whole (never two ports at once);
 * an associated floating IP cannot be deleted (disassociate it first).
 */
export const floatingIpDecider: Decider<FloatingIpCommand, FloatingIpEvent, FloatingIpState> = {
  initialState: () => ({ status: 'Absent' }),

  decide(command, state) {
    const name = floatingIpName(command.tenantId, command.floatingIpId);
    if (command.type === 'CreateFloatingIp') {
      if (isRetriedCreate(state, command.createdBy, name)) return [];
      const { type: _type, ...data } = command;
      return [{ type: 'FloatingIpCreated', data }];
    }
    if (state.status !== 'Active') throw new NotFoundError(name);
    switch (command.type) {
      case 'UpdateFloatingIp':
        if (!changesDisplayName(state, command, name, 'floating IP')) return [];
        return [{ type: 'FloatingIpUpdated', data: { displayName: command.displayName } }];
      case 'AssociateFloatingIp': {
        checkEtag(state, command.etag, name, 'floating IP');
        const previous = state.association;
        if (sameAssociation(previous, command.association)) return [];
        const { operation } = command;
        if (command.association === null) {
          return previous
            ? [{ type: 'FloatingIpDisassociated', data: { previous, operation } }]
            : [];
        }
        return [
          {
            type: 'FloatingIpAssociated',
            data: { association: command.association, previous, operation },
          },
        ];
      }
      case 'ActivateFloatingIp':
        return state.floatingIpStatus === 'ACTIVE'
          ? []
          : [{ type: 'FloatingIpActivated', data: {} }];
      case 'FailFloatingIp':
        return state.floatingIpStatus === 'ERROR'
          ? []
          : [{ type: 'FloatingIpFailed', data: { reason: command.reason } }];
      case 'DeleteFloatingIp': {
        checkEtag(state, command.etag, name, 'floating IP');
        if (state.association) {
          throw new FailedPreconditionError(
            name,
            'ASSOCIATED',
            `the floating IP is associated with ${state.association.port}: disassociate it first`,
          );
        }
        const { tenantId, floatingIpId, externalNetworkId, address, createdBy } = state;
        return [
          {
            type: 'FloatingIpDeleted',
            data: { tenantId, floatingIpId, externalNetworkId, address, createdBy },
          },
        ];
      }
      default: {
        const exhaustive: never = command;
        return exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'FloatingIpCreated':
        return {
          status: 'Active',
          ...event.data,
          association: null,
          floatingIpStatus: 'ACTIVE',
          statusReason: '',
          version: 1,
        };
      case 'FloatingIpUpdated':
        return state.status === 'Active' ? withUpdate(state, event.data) : state;
      case 'FloatingIpAssociated':
        return state.status === 'Active'
          ? withUpdate(state, { association: event.data.association, floatingIpStatus: 'PENDING' })
          : state;
      case 'FloatingIpDisassociated':
        return state.status === 'Active'
          ? withUpdate(state, { association: null, floatingIpStatus: 'PENDING' })
          : state;
      case 'FloatingIpActivated':
        return state.status === 'Active'
          ? { ...state, floatingIpStatus: 'ACTIVE', statusReason: '' }
          : state;
      case 'FloatingIpFailed':
        return state.status === 'Active'
          ? { ...state, floatingIpStatus: 'ERROR', statusReason: event.data.reason }
          : state;
      case 'FloatingIpDeleted':
        return { status: 'Deleted' };
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};
