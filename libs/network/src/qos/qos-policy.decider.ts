import { FailedPreconditionError, NotFoundError } from '@loom/errors';
import type { Decider } from '@loom/intents';
import { checkEtag, isRetriedCreate, withUpdate } from '../shared/resource-lifecycle';
import { qosPolicyName } from './qos-names';
import type { QosAttachment, QosLimit, QosLimits, QosPolicyEvent } from './qos-policy.events';

export type QosPolicyStatus = 'ACTIVE' | 'PENDING' | 'ERROR';

export type QosPolicyState =
  | { readonly status: 'Absent' }
  | { readonly status: 'Deleted' }
  | {
      readonly status: 'Active';
      readonly tenantId: string;
      readonly qosPolicyId: string;
      readonly displayName: string;
      readonly ingress: QosLimit | null;
      readonly egress: QosLimit | null;
      /** In the order they were attached. */
      readonly attachments: readonly QosAttachment[];
      readonly policyStatus: QosPolicyStatus;
      /** Why it is ERROR: the failed fabric step; empty otherwise. */
      readonly statusReason: string;
      readonly createdBy: string;
      readonly version: number;
    };

export type ActiveQosPolicy = Extract<QosPolicyState, { status: 'Active' }>;

interface Target {
  readonly tenantId: string;
  readonly qosPolicyId: string;
}

export type QosPolicyCommand =
  | (Target &
      QosLimits & {
        readonly type: 'CreateQosPolicy';
        readonly displayName: string;
        readonly createdBy: string;
      })
  | (Target & {
      readonly type: 'UpdateQosPolicy';
      /** Undefined: unchanged. */
      readonly displayName?: string;
      readonly limits?: QosLimits;
      readonly operation: string;
      readonly etag?: string;
    })
  | (Target & {
      readonly type: 'AttachQosPolicy';
      readonly attachment: QosAttachment;
      readonly operation: string;
      readonly etag?: string;
    })
  | (Target & {
      readonly type: 'DetachQosPolicy';
      readonly resource: string;
      readonly operation: string;
      readonly etag?: string;
    })
  | (Target & { readonly type: 'ActivateQosPolicy' })
  | (Target & { readonly type: 'FailQosPolicy'; readonly reason: string })
  | (Target & { readonly type: 'DeleteQosPolicy'; readonly etag?: string });

const sameLimit = (a: QosLimit | null, b: QosLimit | null): boolean =>
  a?.rateKbps === b?.rateKbps && a?.burstBytes === b?.burstBytes;

function decideUpdate(
  state: ActiveQosPolicy,
  command: Extract<QosPolicyCommand, { type: 'UpdateQosPolicy' }>,
  name: string,
): QosPolicyEvent[] {
  checkEtag(state, command.etag, name, 'QoS policy');
  const events: QosPolicyEvent[] = [];
  if (command.displayName !== undefined && command.displayName !== state.displayName) {
    events.push({ type: 'QosPolicyUpdated', data: { displayName: command.displayName } });
  }
  const { limits } = command;
  if (
    limits &&
    (!sameLimit(limits.ingress, state.ingress) || !sameLimit(limits.egress, state.egress))
  ) {
    events.push({
      type: 'QosPolicyLimitsChanged',
      data: {
        ingress: limits.ingress,
        egress: limits.egress,
        previous: { ingress: state.ingress, egress: state.egress },
        operation: command.operation,
      },
    });
  }
  return events;
}

/**
 * A tenant's QoS policy: its limits and the ports and floating IPs it is attached to. Changing
 * the limits applies to every attachment (a saga reshapes them all); a resource is attached once;
 * a policy with attachments cannot be deleted (FAILED_PRECONDITION naming them).
 */
export const qosPolicyDecider: Decider<QosPolicyCommand, QosPolicyEvent, QosPolicyState> = {
  initialState: () => ({ status: 'Absent' }),

  decide(command, state) {
    const name = qosPolicyName(command.tenantId, command.qosPolicyId);
    if (command.type === 'CreateQosPolicy') {
      if (isRetriedCreate(state, command.createdBy, name)) return [];
      const { type: _type, ...data } = command;
      return [{ type: 'QosPolicyCreated', data }];
    }
    if (state.status !== 'Active') throw new NotFoundError(name);
    switch (command.type) {
      case 'UpdateQosPolicy':
        return decideUpdate(state, command, name);
      case 'AttachQosPolicy': {
        checkEtag(state, command.etag, name, 'QoS policy');
        const { attachment, operation } = command;
        if (state.attachments.some((entry) => entry.resource === attachment.resource)) return [];
        return [{ type: 'QosPolicyAttached', data: { attachment, operation } }];
      }
      case 'DetachQosPolicy': {
        checkEtag(state, command.etag, name, 'QoS policy');
        const attachment = state.attachments.find((entry) => entry.resource === command.resource);
        if (!attachment) {
          throw new FailedPreconditionError(
            name,
            'NOT_ATTACHED',
            `the QoS policy is not attached to ${command.resource}`,
          );
        }
        return [{ type: 'QosPolicyDetached', data: { attachment, operation: command.operation } }];
      }
      case 'ActivateQosPolicy':
        return state.policyStatus === 'ACTIVE' ? [] : [{ type: 'QosPolicyActivated', data: {} }];
      case 'FailQosPolicy':
        return state.policyStatus === 'ERROR'
          ? []
          : [{ type: 'QosPolicyFailed', data: { reason: command.reason } }];
      case 'DeleteQosPolicy': {
        checkEtag(state, command.etag, name, 'QoS policy');
        if (state.attachments.length > 0) {
          throw new FailedPreconditionError(
            name,
            'HAS_ATTACHMENTS',
            `the QoS policy is attached to ${state.attachments
              .map((entry) => entry.resource)
              .join(', ')}: detach it first`,
          );
        }
        const { tenantId, qosPolicyId, createdBy } = state;
        return [{ type: 'QosPolicyDeleted', data: { tenantId, qosPolicyId, createdBy } }];
      }
      default: {
        const exhaustive: never = command;
        return exhaustive;
      }
    }
  },

  evolve(state, event) {
    if (event.type === 'QosPolicyCreated') {
      return {
        status: 'Active',
        ...event.data,
        attachments: [],
        policyStatus: 'ACTIVE',
        statusReason: '',
        version: 1,
      };
    }
    if (event.type === 'QosPolicyDeleted') return { status: 'Deleted' };
    if (state.status !== 'Active') return state;
    switch (event.type) {
      case 'QosPolicyUpdated':
        return withUpdate(state, { displayName: event.data.displayName });
      case 'QosPolicyLimitsChanged':
        // Only attachments are reshaped: a policy attached to nothing has no saga to wait for.
        return withUpdate(state, {
          ingress: event.data.ingress,
          egress: event.data.egress,
          ...(state.attachments.length > 0 ? { policyStatus: 'PENDING' as const } : {}),
        });
      case 'QosPolicyAttached':
        return withUpdate(state, {
          attachments: [...state.attachments, event.data.attachment],
          policyStatus: 'PENDING',
        });
      case 'QosPolicyDetached':
        return withUpdate(state, {
          attachments: state.attachments.filter(
            (entry) => entry.resource !== event.data.attachment.resource,
          ),
          policyStatus: 'PENDING',
        });
      case 'QosPolicyActivated':
        return withUpdate(state, { policyStatus: 'ACTIVE', statusReason: '' });
      case 'QosPolicyFailed':
        return withUpdate(state, { policyStatus: 'ERROR', statusReason: event.data.reason });
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};
