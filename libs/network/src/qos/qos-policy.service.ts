import { InvalidArgumentError, NotFoundError } from '@loom/errors';
import { eventMetadata, type RequestContext } from '@loom/intents';
import { checkDisplayName, checkEtag, checkResourceId, tenantName } from '@loom/names';
import type { RequestedOperation } from '../operations/operation.service';
import type { OperationIntent, OperationIntents } from '../shared/operation-intents';
import { checkDeletion, etagOf, type ResourceDeletion } from '../shared/resource-changes';
import { streams } from '../shared/streams';
import { tenantDecider } from '../tenants/tenant.decider';
import { qosAttachmentsDecider } from './qos-attachments.decider';
import type { QosFabricInput } from './qos-fabric.input';
import { applyQosPolicySaga, qosPolicyResourceKey } from './qos-fabric.saga-types';
import { checkLimit, checkQosLimits, toLimit, toQosLimits, type QosLimitInput } from './qos-limits';
import { qosPolicyName } from './qos-names';
import { placementOf } from './qos-placement';
import { qosPolicyDecider } from './qos-policy.decider';

export interface CreateQosPolicyInput {
  readonly tenantId: string;
  readonly qosPolicyId: string;
  readonly displayName: string;
  readonly ingress: QosLimitInput | undefined;
  readonly egress: QosLimitInput | undefined;
  readonly requestId: string | undefined;
}

/**
 * An update: a field the update mask does not name is undefined; a limit it names is set as given,
 * null (absent from the request) for unlimited.
 */
export interface QosPolicyUpdate {
  readonly tenantId: string;
  readonly qosPolicyId: string;
  readonly displayName?: string | undefined;
  readonly ingress?: QosLimitInput | null | undefined;
  readonly egress?: QosLimitInput | null | undefined;
  readonly etag?: string | undefined;
  readonly requestId?: string | undefined;
}

export interface QosAttachmentChange {
  readonly tenantId: string;
  readonly qosPolicyId: string;
  /** The port or floating IP, by name. */
  readonly resource: string;
  readonly etag?: string | undefined;
  readonly requestId?: string | undefined;
}

export interface QosPolicyDeletion extends ResourceDeletion {
  readonly tenantId: string;
  readonly qosPolicyId: string;
}

/**
 * QoS policy intents. A policy is created and deleted at once (it shapes nothing by itself);
 * attaching it to a port or floating IP, changing its limits while attached, and detaching it
 * start apply-qos-policy, which shapes the attachments' devices (the port's leaf, the floating
 * IP's gateway nodes). A refused request writes nothing.
 */
export class QosPolicyService {
  constructor(private readonly intents: OperationIntents) {}

  async create(input: CreateQosPolicyInput, context: RequestContext): Promise<RequestedOperation> {
    const violations = [
      ...checkResourceId('qos_policy_id', input.qosPolicyId),
      ...checkDisplayName('qos_policy.display_name', input.displayName),
      ...checkQosLimits('qos_policy', input.ingress, input.egress),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const { tenantId, qosPolicyId } = input;
    const metadata = eventMetadata(context, tenantId, input.requestId);
    const limits = toQosLimits(input.ingress, input.egress);
    return this.intents.submit(
      {
        tenantId,
        requestId: input.requestId,
        method: 'CreateQosPolicy',
        payload: [qosPolicyId, input.displayName, limits],
        target: qosPolicyName(tenantId, qosPolicyId),
        verb: 'create',
      },
      context,
      async (intent) => {
        const tenant = await intent.read(streams.tenant(tenantId), tenantDecider);
        if (tenant.status !== 'Active') throw new NotFoundError(tenantName(tenantId));
        await intent.execute(
          streams.qosPolicy(tenantId, qosPolicyId),
          qosPolicyDecider,
          {
            type: 'CreateQosPolicy',
            tenantId,
            qosPolicyId,
            displayName: input.displayName,
            ...limits,
            createdBy: intent.operation,
          },
          metadata,
        );
      },
    );
  }

  async update(update: QosPolicyUpdate, context: RequestContext): Promise<RequestedOperation> {
    const violations = [
      ...checkEtag('qos_policy.etag', update.etag),
      ...(update.displayName === undefined
        ? []
        : checkDisplayName('qos_policy.display_name', update.displayName)),
      ...(update.ingress ? checkLimit('qos_policy.ingress', update.ingress) : []),
      ...(update.egress ? checkLimit('qos_policy.egress', update.egress) : []),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const { tenantId, qosPolicyId } = update;
    const limitsGiven = update.ingress !== undefined || update.egress !== undefined;
    const metadata = eventMetadata(context, tenantId, update.requestId);
    const name = qosPolicyName(tenantId, qosPolicyId);
    return this.intents.submit(
      {
        tenantId,
        requestId: update.requestId,
        method: 'UpdateQosPolicy',
        payload: [
          qosPolicyId,
          update.displayName ?? null,
          update.ingress === undefined ? 'unchanged' : toLimit(update.ingress),
          update.egress === undefined ? 'unchanged' : toLimit(update.egress),
          update.etag ?? '',
        ],
        target: name,
        verb: 'update',
      },
      context,
      async (intent) => {
        const before = await intent.read(
          streams.qosPolicy(tenantId, qosPolicyId),
          qosPolicyDecider,
        );
        if (before.status !== 'Active') throw new NotFoundError(name);
        const limits = limitsGiven
          ? {
              ingress: update.ingress === undefined ? before.ingress : toLimit(update.ingress),
              egress: update.egress === undefined ? before.egress : toLimit(update.egress),
            }
          : undefined;
        if (limits && limits.ingress === null && limits.egress === null) {
          throw new InvalidArgumentError([
            {
              field: 'qos_policy.ingress',
              description: 'a QoS policy limits ingress, egress or both',
            },
          ]);
        }
        const changed = await intent.execute(
          streams.qosPolicy(tenantId, qosPolicyId),
          qosPolicyDecider,
          {
            type: 'UpdateQosPolicy',
            tenantId,
            qosPolicyId,
            ...(update.displayName === undefined ? {} : { displayName: update.displayName }),
            ...(limits ? { limits } : {}),
            operation: intent.operation,
            ...etagOf(update.etag),
          },
          metadata,
        );
        const event = changed.events.find((entry) => entry.type === 'QosPolicyLimitsChanged');
        const policy = changed.state;
        if (event?.type !== 'QosPolicyLimitsChanged' || policy.status !== 'Active') return;
        if (policy.attachments.length === 0) return;
        this.startShaping(intent, {
          operation: intent.operation,
          resource: name,
          change: 'limits',
          attachments: policy.attachments,
          from: event.data.previous,
          to: { ingress: event.data.ingress, egress: event.data.egress },
        });
      },
    );
  }

  async attach(change: QosAttachmentChange, context: RequestContext): Promise<RequestedOperation> {
    const violations = [
      ...checkEtag('etag', change.etag),
      ...(change.resource === ''
        ? [{ field: 'resource', description: 'must name a port or a floating IP' }]
        : []),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const { tenantId, qosPolicyId } = change;
    const metadata = eventMetadata(context, tenantId, change.requestId);
    const name = qosPolicyName(tenantId, qosPolicyId);
    return this.intents.submit(
      {
        tenantId,
        requestId: change.requestId,
        method: 'AttachQosPolicy',
        payload: [qosPolicyId, change.resource, change.etag ?? ''],
        target: name,
        verb: 'update',
      },
      context,
      async (intent) => {
        const policy = await intent.read(
          streams.qosPolicy(tenantId, qosPolicyId),
          qosPolicyDecider,
        );
        if (policy.status !== 'Active') throw new NotFoundError(name);
        const attachment = await placementOf(intent, tenantId, change.resource, 'resource');
        await intent.execute(
          streams.qosAttachments,
          qosAttachmentsDecider,
          { type: 'ClaimQosAttachment', resource: attachment.resource, policy: name },
          metadata,
        );
        const attached = await intent.execute(
          streams.qosPolicy(tenantId, qosPolicyId),
          qosPolicyDecider,
          {
            type: 'AttachQosPolicy',
            tenantId,
            qosPolicyId,
            attachment,
            operation: intent.operation,
            ...etagOf(change.etag),
          },
          metadata,
        );
        if (attached.events.length === 0) return;
        this.startShaping(intent, {
          operation: intent.operation,
          resource: name,
          change: 'attach',
          attachments: [attachment],
          from: null,
          to: { ingress: policy.ingress, egress: policy.egress },
        });
      },
    );
  }

  async detach(change: QosAttachmentChange, context: RequestContext): Promise<RequestedOperation> {
    const violations = checkEtag('etag', change.etag);
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const { tenantId, qosPolicyId } = change;
    const metadata = eventMetadata(context, tenantId, change.requestId);
    const name = qosPolicyName(tenantId, qosPolicyId);
    return this.intents.submit(
      {
        tenantId,
        requestId: change.requestId,
        method: 'DetachQosPolicy',
        payload: [qosPolicyId, change.resource, change.etag ?? ''],
        target: name,
        verb: 'update',
      },
      context,
      async (intent) => {
        const detached = await intent.execute(
          streams.qosPolicy(tenantId, qosPolicyId),
          qosPolicyDecider,
          {
            type: 'DetachQosPolicy',
            tenantId,
            qosPolicyId,
            resource: change.resource,
            operation: intent.operation,
            ...etagOf(change.etag),
          },
          metadata,
        );
        const event = detached.events[0];
        const policy = detached.state;
        if (event?.type !== 'QosPolicyDetached' || policy.status !== 'Active') return;
        await intent.execute(
          streams.qosAttachments,
          qosAttachmentsDecider,
          { type: 'ReleaseQosAttachment', resource: change.resource, policy: name },
          metadata,
        );
        this.startShaping(intent, {
          operation: intent.operation,
          resource: name,
          change: 'detach',
          attachments: [event.data.attachment],
          from: { ingress: policy.ingress, egress: policy.egress },
          to: null,
        });
      },
    );
  }

  async delete(deletion: QosPolicyDeletion, context: RequestContext): Promise<RequestedOperation> {
    checkDeletion(deletion);
    const { tenantId, qosPolicyId } = deletion;
    const metadata = eventMetadata(context, tenantId, deletion.requestId);
    return this.intents.submit(
      {
        tenantId,
        requestId: deletion.requestId,
        method: 'DeleteQosPolicy',
        payload: [qosPolicyId, deletion.etag ?? ''],
        target: qosPolicyName(tenantId, qosPolicyId),
        verb: 'delete',
      },
      context,
      async (intent) => {
        await intent.execute(
          streams.qosPolicy(tenantId, qosPolicyId),
          qosPolicyDecider,
          { type: 'DeleteQosPolicy', tenantId, qosPolicyId, ...etagOf(deletion.etag) },
          metadata,
        );
      },
    );
  }

  private startShaping(intent: OperationIntent, input: QosFabricInput): void {
    intent.startFabricWork({
      saga: applyQosPolicySaga,
      resourceKey: qosPolicyResourceKey(input.resource),
      input,
    });
  }
}
