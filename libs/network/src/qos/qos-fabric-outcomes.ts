import type { EventStore, RecordedEvent } from '@loom/event-store';
import { LoomError, type ErrorKind } from '@loom/errors';
import type { AggregateStore, EventReaction } from '@loom/intents';
import { parseOperationName } from '@loom/names';
import { decodeSagaEvent, isSagaOf, readSagaStart, sagaStreamPrefix } from '@loom/sagas';
import { operationDecider } from '../operations/operation.decider';
import { fabricFailureKind } from '../provisioning/fabric-failure-kind';
import { streams } from '../shared/streams';
import { qosAttachmentsDecider } from './qos-attachments.decider';
import type { QosFabricInput, QosFabricLimits } from './qos-fabric.input';
import { applyQosPolicySaga } from './qos-fabric.saga-types';
import { parseQosPolicyName } from './qos-names';
import { qosPolicyDecider } from './qos-policy.decider';
import type { QosLimit } from './qos-policy.events';

const actor = 'loom:qos-fabric-outcomes';

type Metadata = { tenant: string; actor: string; causationId: string };

/**
 * A process manager, like the floating IPs': when a QoS policy's saga ends the policy becomes
 * ACTIVE, or, the devices having been put back as they were, its intent goes back too (the limits
 * before, the attachment removed or restored) and it is ERROR with the reason; its operation is
 * done, with the error kind of a failure. Every command is idempotent, so a replay is harmless.
 */
export function qosFabricOutcomes(
  store: Pick<EventStore, 'readStream'>,
  aggregates: AggregateStore,
): EventReaction {
  return {
    filter: { streamPrefixes: [sagaStreamPrefix], eventTypes: ['SagaCompleted', 'SagaFailed'] },
    handle: async (event) => {
      const start = await readSagaStart(store, event.stream);
      if (start === undefined || !isSagaOf(start, applyQosPolicySaga)) return;
      const { input } = start;
      const policy = parseQosPolicyName(input.resource);
      if (!policy) return;
      const failure = failureOf(event);
      const { tenant: tenantId, operation: operationId } = parseOperationName(input.operation);
      const metadata = { tenant: tenantId, actor, causationId: event.id };
      if (failure) await revert(aggregates, input, metadata);
      await aggregates
        .execute(
          streams.qosPolicy(policy.tenantId, policy.qosPolicyId),
          qosPolicyDecider,
          failure
            ? { ...policy, type: 'FailQosPolicy', reason: failure.message }
            : { ...policy, type: 'ActivateQosPolicy' },
          metadata,
        )
        .catch(ignoreRefusal);
      await aggregates.execute(
        streams.operation(tenantId, operationId),
        operationDecider,
        failure
          ? { type: 'FailOperation', tenantId, operationId, ...failure }
          : { type: 'SucceedOperation', tenantId, operationId },
        metadata,
      );
    },
  };
}

/** The intent as it was before the failed change, so that intent and devices agree again. */
async function revert(
  aggregates: AggregateStore,
  input: QosFabricInput,
  metadata: Metadata,
): Promise<void> {
  const policy = parseQosPolicyName(input.resource);
  if (!policy) return;
  const stream = streams.qosPolicy(policy.tenantId, policy.qosPolicyId);
  const tolerate = (work: Promise<unknown>) => work.then(() => undefined, ignoreRefusal);
  const target = { ...policy, operation: input.operation };
  const [attachment] = input.attachments;
  switch (input.change) {
    case 'limits': {
      // Only the change this saga made: a later one (queued behind it) stays.
      const { state } = await aggregates.load(stream, qosPolicyDecider);
      const current = state.status === 'Active' ? state : undefined;
      if (input.from && current && input.to && sameLimits(current, input.to)) {
        await tolerate(
          aggregates.execute(
            stream,
            qosPolicyDecider,
            { ...target, type: 'UpdateQosPolicy', limits: input.from },
            metadata,
          ),
        );
      }
      return;
    }
    case 'attach':
      if (!attachment) return;
      await tolerate(
        aggregates.execute(
          stream,
          qosPolicyDecider,
          { ...target, type: 'DetachQosPolicy', resource: attachment.resource },
          metadata,
        ),
      );
      await tolerate(
        aggregates.execute(
          streams.qosAttachments,
          qosAttachmentsDecider,
          { type: 'ReleaseQosAttachment', resource: attachment.resource, policy: input.resource },
          metadata,
        ),
      );
      return;
    case 'detach':
      if (!attachment) return;
      await tolerate(
        aggregates.execute(
          streams.qosAttachments,
          qosAttachmentsDecider,
          { type: 'ClaimQosAttachment', resource: attachment.resource, policy: input.resource },
          metadata,
        ),
      );
      await tolerate(
        aggregates.execute(
          stream,
          qosPolicyDecider,
          { ...target, type: 'AttachQosPolicy', attachment },
          metadata,
        ),
      );
      return;
  }
}

const sameLimit = (a: QosLimit | null, b: QosLimit | null): boolean =>
  a?.rateKbps === b?.rateKbps && a?.burstBytes === b?.burstBytes;

const sameLimits = (a: QosFabricLimits, b: QosFabricLimits): boolean =>
  sameLimit(a.ingress, b.ingress) && sameLimit(a.egress, b.egress);

/** What changed meanwhile (the policy deleted, the resource taken) is left as it is now. */
function ignoreRefusal(error: unknown): void {
  if (
    error instanceof LoomError &&
    (error.kind === 'not-found' || error.kind === 'failed-precondition')
  ) {
    return;
  }
  throw error;
}

function failureOf(recorded: RecordedEvent): { kind: ErrorKind; message: string } | undefined {
  const event = decodeSagaEvent(recorded);
  if (event.type !== 'SagaFailed') return undefined;
  const { error } = event.data;
  const step = error.kind === 'step-failed' ? error.step : '?';
  return {
    kind: fabricFailureKind(error),
    message: `fabric step ${step} failed and was undone: ${error.reason}`,
  };
}
