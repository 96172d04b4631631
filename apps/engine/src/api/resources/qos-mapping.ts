import { QosPolicyStatus, type QosLimit, type QosPolicy } from '@loom/api-contract';
import { qosPolicyName, type QosLimitInput, type QosPolicyState } from '@loom/network';

type Active<State> = Extract<State, { status: 'Active' }>;

const statuses = {
  ACTIVE: QosPolicyStatus.QOS_POLICY_ACTIVE,
  PENDING: QosPolicyStatus.QOS_POLICY_PENDING,
  ERROR: QosPolicyStatus.QOS_POLICY_ERROR,
} as const;

const toLimit = (limit: { rateKbps: number; burstBytes: number } | null): QosLimit | null =>
  limit ? { maxRateKbps: limit.rateKbps, maxBurstBytes: limit.burstBytes } : null;

export function toQosPolicy(state: Active<QosPolicyState>): QosPolicy {
  return {
    name: qosPolicyName(state.tenantId, state.qosPolicyId),
    displayName: state.displayName,
    ingress: toLimit(state.ingress),
    egress: toLimit(state.egress),
    attachments: state.attachments.map((attachment) => attachment.resource).sort(),
    status: statuses[state.policyStatus],
    statusReason: state.statusReason,
    etag: `"${state.version}"`,
  };
}

/** A request's limit (unset messages arrive as null or undefined) as the service takes it. */
export function fromQosLimit(limit: QosLimit | null | undefined): QosLimitInput | undefined {
  return limit ? { maxRateKbps: limit.maxRateKbps, maxBurstBytes: limit.maxBurstBytes } : undefined;
}
