import { FailedPreconditionError } from '@loom/errors';
import type { IntentTransaction } from '@loom/intents';
import { streams } from '../shared/streams';
import { qosAttachmentsDecider } from './qos-attachments.decider';

/**
 * Refuses a change that would pull a shaped resource from under its QoS policy: deleting a port,
 * moving or disassociating a floating IP (its shaping sits where it is translated) while a policy
 * is attached to it. Detaching the policy first removes the shaping.
 */
export async function refuseWhileQosAttached(
  intent: Pick<IntentTransaction, 'read'>,
  resource: string,
): Promise<void> {
  const { policies } = await intent.read(streams.qosAttachments, qosAttachmentsDecider);
  const policy = policies.get(resource);
  if (policy !== undefined) {
    throw new FailedPreconditionError(
      resource,
      'HAS_QOS_POLICY',
      `QoS policy ${policy} is attached to it: detach it first`,
    );
  }
}
