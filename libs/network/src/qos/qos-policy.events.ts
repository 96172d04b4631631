import type { DomainEvent } from '@loom/intents';

/** One direction's limit: a rate in kbit/s (1000 bit/s) and a burst in bytes. */
export interface QosLimit {
  readonly rateKbps: number;
  readonly burstBytes: number;
}

/** A policy's limits: `ingress` towards the port (into the VM), `egress` from it; null: unlimited. */
export interface QosLimits {
  readonly ingress: QosLimit | null;
  readonly egress: QosLimit | null;
}

/** Where an attachment is shaped: a port on its leaf, a floating IP on its gateway nodes. */
export type QosPlacement =
  | {
      readonly kind: 'port';
      readonly leaf: string;
      readonly interface: string;
      readonly vlan: number;
      readonly address: string;
    }
  | {
      readonly kind: 'floatingIp';
      readonly externalNetwork: string;
      readonly nodes: readonly string[];
      readonly vrf: string;
      readonly publicAddress: string;
    };

/** A resource the policy shapes: a port or a floating IP, by name, and where it is shaped. */
export interface QosAttachment {
  /** `tenants/{t}/vpcs/{v}/subnets/{s}/ports/{p}` or `tenants/{t}/floatingIps/{f}` */
  readonly resource: string;
  readonly placement: QosPlacement;
}

export type QosPolicyCreated = DomainEvent<
  'QosPolicyCreated',
  {
    tenantId: string;
    qosPolicyId: string;
    displayName: string;
    ingress: QosLimit | null;
    egress: QosLimit | null;
    createdBy: string;
  }
>;
export type QosPolicyUpdated = DomainEvent<'QosPolicyUpdated', { displayName: string }>;
/** New limits: the intent at once, every attachment's devices when the operation's saga ends. */
export type QosPolicyLimitsChanged = DomainEvent<
  'QosPolicyLimitsChanged',
  { ingress: QosLimit | null; egress: QosLimit | null; previous: QosLimits; operation: string }
>;
export type QosPolicyAttached = DomainEvent<
  'QosPolicyAttached',
  { attachment: QosAttachment; operation: string }
>;
export type QosPolicyDetached = DomainEvent<
  'QosPolicyDetached',
  { attachment: QosAttachment; operation: string }
>;
/** The devices shape as the intent says. */
export type QosPolicyActivated = DomainEvent<'QosPolicyActivated', Record<string, never>>;
export type QosPolicyFailed = DomainEvent<'QosPolicyFailed', { reason: string }>;
export type QosPolicyDeleted = DomainEvent<
  'QosPolicyDeleted',
  { tenantId: string; qosPolicyId: string; createdBy: string }
>;

export type QosPolicyEvent =
  | QosPolicyCreated
  | QosPolicyUpdated
  | QosPolicyLimitsChanged
  | QosPolicyAttached
  | QosPolicyDetached
  | QosPolicyActivated
  | QosPolicyFailed
  | QosPolicyDeleted;
