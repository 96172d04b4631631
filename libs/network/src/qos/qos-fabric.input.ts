import type { QosAttachment, QosLimit } from './qos-policy.events';

/** A limit as the saga replays it (the same shape as the fabric's ShapingLimit). */
export interface QosFabricLimits {
  readonly ingress: QosLimit | null;
  readonly egress: QosLimit | null;
}

/**
 * A QoS policy's change on the devices, decided by the intent and stored with the saga: its
 * attachments go from `from` (null: unshaped) to `to` (null: unshaped). Attaching is null ->
 * limits on the new attachment alone, detaching limits -> null, changing the limits old -> new
 * on every attachment.
 */
export interface QosFabricInput {
  /** `tenants/{t}/operations/{o}` */
  readonly operation: string;
  /** `tenants/{t}/qosPolicies/{q}`: the resource the saga serves (its read model's column). */
  readonly resource: string;
  readonly change: 'attach' | 'detach' | 'limits';
  readonly attachments: readonly QosAttachment[];
  readonly from: QosFabricLimits | null;
  readonly to: QosFabricLimits | null;
}
