import type { Decider } from '@loom/intents';
import { NotFoundError } from '@loom/errors';
import { portName } from '@loom/names';
import {
  changesDisplayName,
  checkEtag,
  isRetriedCreate,
  withUpdate,
} from '../shared/resource-lifecycle';
import type { PortBinding, PortEvent, PortKind } from './port.events';

export type PortStatus = 'PENDING' | 'ACTIVE' | 'ERROR';

export type PortState =
  | { readonly status: 'Absent' }
  | { readonly status: 'Deleted' }
  | {
      readonly status: 'Active';
      readonly tenantId: string;
      readonly vpcId: string;
      readonly subnetId: string;
      readonly portId: string;
      readonly displayName: string;
      readonly kind: PortKind;
      readonly fixedIp: string;
      readonly macAddress: string;
      readonly binding: PortBinding | null;
      readonly createdBy: string;
      readonly portStatus: PortStatus;
      readonly version: number;
    };

interface PortTarget {
  readonly tenantId: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly portId: string;
}

export type PortCommand =
  | (PortTarget & {
      readonly type: 'CreatePort';
      readonly displayName: string;
      readonly kind: PortKind;
      readonly fixedIp: string;
      readonly macAddress: string;
      readonly binding: PortBinding | null;
      readonly createdBy: string;
    })
  | (PortTarget & {
      readonly type: 'UpdatePort';
      readonly displayName: string;
      readonly etag?: string;
    })
  | (PortTarget & { readonly type: 'ActivatePort' })
  | (PortTarget & { readonly type: 'FailPort'; readonly reason: string })
  | (PortTarget & { readonly type: 'DeletePort'; readonly etag?: string });

export const portDecider: Decider<PortCommand, PortEvent, PortState> = {
  initialState: () => ({ status: 'Absent' }),

  decide(command, state) {
    const name = portName(command.tenantId, command.vpcId, command.subnetId, command.portId);
    if (command.type === 'CreatePort') {
      if (isRetriedCreate(state, command.createdBy, name)) return [];
      const { type: _type, ...data } = command;
      return [{ type: 'PortCreated', data }];
    }
    if (state.status !== 'Active') throw new NotFoundError(name);
    switch (command.type) {
      case 'UpdatePort':
        if (!changesDisplayName(state, command, name, 'port')) return [];
        return [{ type: 'PortUpdated', data: { displayName: command.displayName } }];
      case 'ActivatePort':
        return state.portStatus === 'ACTIVE' ? [] : [{ type: 'PortActivated', data: {} }];
      case 'FailPort':
        return state.portStatus === 'ERROR'
          ? []
          : [{ type: 'PortFailed', data: { reason: command.reason } }];
      case 'DeletePort': {
        checkEtag(state, command.etag, name, 'port');
        const { tenantId, vpcId, subnetId, portId, binding, createdBy } = state;
        return [
          { type: 'PortDeleted', data: { tenantId, vpcId, subnetId, portId, binding, createdBy } },
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
      case 'PortCreated':
        return { status: 'Active', ...event.data, portStatus: 'PENDING', version: 1 };
      case 'PortDeleted':
        return { status: 'Deleted' };
      case 'PortUpdated':
        return state.status === 'Active' ? withUpdate(state, event.data) : state;
      // A fabric verdict changes the status Get shows: a new version, as an update is.
      case 'PortActivated':
        return state.status === 'Active' ? withUpdate(state, { portStatus: 'ACTIVE' }) : state;
      case 'PortFailed':
        return state.status === 'Active' ? withUpdate(state, { portStatus: 'ERROR' }) : state;
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};
