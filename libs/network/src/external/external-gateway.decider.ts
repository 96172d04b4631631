import { FailedPreconditionError, NotFoundError } from '@loom/errors';
import type { Decider } from '@loom/intents';
import { vpcName } from '@loom/names';
import { checkEtag, isRetriedCreate } from '../shared/resource-lifecycle';
import { externalGatewayName } from './external-names';
import type { ExternalGatewayCreated, ExternalGatewayEvent } from './external-gateway.events';

export type ExternalGatewayStatus = 'PENDING' | 'ACTIVE' | 'ERROR';

export type ExternalGatewayState =
  | { readonly status: 'Absent' }
  | { readonly status: 'Deleted' }
  | (ExternalGatewayCreated['data'] & {
      readonly status: 'Active';
      readonly gatewayStatus: ExternalGatewayStatus;
      /** Why it is ERROR: the failed fabric step; empty otherwise. */
      readonly statusReason: string;
      /** Floating IP name -> the private address it is associated with in this VPC. */
      readonly floatingIps: ReadonlyMap<string, string>;
      readonly version: number;
    });

export type ActiveExternalGateway = Extract<ExternalGatewayState, { status: 'Active' }>;

interface Target {
  readonly tenantId: string;
  readonly vpcId: string;
}

export type ExternalGatewayCommand =
  | (Target & {
      readonly type: 'CreateExternalGateway';
      readonly externalNetworkId: string;
      readonly transferBlock: string;
      readonly vrfAddress: string;
      readonly gatewayAddress: string;
      readonly snatAddress: string;
      readonly createdBy: string;
    })
  | (Target & { readonly type: 'ActivateExternalGateway' })
  | (Target & { readonly type: 'FailExternalGateway'; readonly reason: string })
  | (Target & { readonly type: 'DeleteExternalGateway'; readonly etag?: string })
  | (Target & {
      readonly type: 'AttachFloatingIp';
      readonly floatingIp: string;
      readonly externalNetworkId: string;
      readonly privateAddress: string;
    })
  | (Target & { readonly type: 'DetachFloatingIp'; readonly floatingIp: string });

/**
 * A VPC's external gateway (a singleton of the VPC): the external network it connects to, its
 * transfer block and SNAT address, and the floating IPs associated through it, so that it cannot
 * go while one is, and a floating IP cannot be associated in a VPC without one.
 */
export const externalGatewayDecider: Decider<
  ExternalGatewayCommand,
  ExternalGatewayEvent,
  ExternalGatewayState
> = {
  initialState: () => ({ status: 'Absent' }),

  decide(command, state) {
    const name = externalGatewayName(command.tenantId, command.vpcId);
    if (command.type === 'CreateExternalGateway') {
      if (isRetriedCreate(state, command.createdBy, name)) return [];
      const { type: _type, ...data } = command;
      return [{ type: 'ExternalGatewayCreated', data }];
    }
    if (state.status !== 'Active') {
      if (command.type === 'DetachFloatingIp') return [];
      if (command.type === 'AttachFloatingIp') {
        throw new FailedPreconditionError(
          vpcName(command.tenantId, command.vpcId),
          'NO_EXTERNAL_GATEWAY',
          `the VPC has no external gateway: create ${name} first`,
        );
      }
      throw new NotFoundError(name);
    }
    switch (command.type) {
      case 'ActivateExternalGateway':
        return state.gatewayStatus === 'ACTIVE'
          ? []
          : [{ type: 'ExternalGatewayActivated', data: {} }];
      case 'FailExternalGateway':
        return state.gatewayStatus === 'ERROR'
          ? []
          : [{ type: 'ExternalGatewayFailed', data: { reason: command.reason } }];
      case 'DeleteExternalGateway': {
        checkEtag(state, command.etag, name, 'external gateway');
        if (state.floatingIps.size > 0) {
          throw new FailedPreconditionError(
            name,
            'HAS_FLOATING_IPS',
            `floating IPs of the VPC are still associated: ${[...state.floatingIps.keys()].join(', ')}`,
          );
        }
        const {
          status: _s,
          gatewayStatus: _g,
          statusReason: _r,
          floatingIps: _f,
          version: _v,
          ...data
        } = state;
        return [{ type: 'ExternalGatewayDeleted', data }];
      }
      case 'AttachFloatingIp': {
        if (command.externalNetworkId !== state.externalNetworkId) {
          throw new FailedPreconditionError(
            name,
            'OTHER_EXTERNAL_NETWORK',
            `the VPC's gateway connects to externalNetworks/${state.externalNetworkId}, the floating IP is of externalNetworks/${command.externalNetworkId}`,
          );
        }
        const held = state.floatingIps.get(command.floatingIp);
        if (held === command.privateAddress) return [];
        const { floatingIp, privateAddress } = command;
        return [
          { type: 'ExternalGatewayFloatingIpAttached', data: { floatingIp, privateAddress } },
        ];
      }
      case 'DetachFloatingIp':
        return state.floatingIps.has(command.floatingIp)
          ? [
              {
                type: 'ExternalGatewayFloatingIpDetached',
                data: { floatingIp: command.floatingIp },
              },
            ]
          : [];
      default: {
        const exhaustive: never = command;
        return exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ExternalGatewayCreated':
        return {
          status: 'Active',
          ...event.data,
          gatewayStatus: 'PENDING',
          statusReason: '',
          floatingIps: new Map(),
          version: 1,
        };
      case 'ExternalGatewayActivated':
        return state.status === 'Active'
          ? { ...state, gatewayStatus: 'ACTIVE', statusReason: '' }
          : state;
      case 'ExternalGatewayFailed':
        return state.status === 'Active'
          ? { ...state, gatewayStatus: 'ERROR', statusReason: event.data.reason }
          : state;
      case 'ExternalGatewayDeleted':
        return { status: 'Deleted' };
      case 'ExternalGatewayFloatingIpAttached':
      case 'ExternalGatewayFloatingIpDetached': {
        if (state.status !== 'Active') return state;
        const floatingIps = new Map(state.floatingIps);
        if (event.type === 'ExternalGatewayFloatingIpAttached') {
          floatingIps.set(event.data.floatingIp, event.data.privateAddress);
        } else floatingIps.delete(event.data.floatingIp);
        return { ...state, floatingIps };
      }
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};
