import { FailedPreconditionError } from '@loom/errors';
import type { Decider } from '@loom/intents';
import type { QosAttachmentsEvent } from './qos-attachments.events';

/** Which policy shapes each resource: the index drift reads the intended shaping from. */
export interface QosAttachmentsState {
  /** Resource name -> policy name. */
  readonly policies: ReadonlyMap<string, string>;
}

export type QosAttachmentsCommand =
  | { readonly type: 'ClaimQosAttachment'; readonly resource: string; readonly policy: string }
  | { readonly type: 'ReleaseQosAttachment'; readonly resource: string; readonly policy: string };

/**
 * The fabric-wide index of QoS attachments (stream `qos-attachments`): a resource has at most one
 * policy. Claiming what the same policy holds and releasing what it does not are no-ops.
 */
export const qosAttachmentsDecider: Decider<
  QosAttachmentsCommand,
  QosAttachmentsEvent,
  QosAttachmentsState
> = {
  initialState: () => ({ policies: new Map() }),

  decide(command, state) {
    const holder = state.policies.get(command.resource);
    const { resource, policy } = command;
    if (command.type === 'ClaimQosAttachment') {
      if (holder === policy) return [];
      if (holder !== undefined) {
        throw new FailedPreconditionError(
          resource,
          'HAS_QOS_POLICY',
          `${holder} is already attached to it: detach it first`,
        );
      }
      return [{ type: 'QosAttachmentClaimed', data: { resource, policy } }];
    }
    return holder === policy ? [{ type: 'QosAttachmentReleased', data: { resource, policy } }] : [];
  },

  evolve(state, event) {
    const policies = new Map(state.policies);
    if (event.type === 'QosAttachmentClaimed') policies.set(event.data.resource, event.data.policy);
    else policies.delete(event.data.resource);
    return { policies };
  },
};
