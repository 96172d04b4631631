import type { DomainEvent } from '@loom/intents';

/** A port or floating IP taken by a QoS policy: one policy per resource, fabric-wide. */
export type QosAttachmentClaimed = DomainEvent<
  'QosAttachmentClaimed',
  { resource: string; policy: string }
>;
export type QosAttachmentReleased = DomainEvent<
  'QosAttachmentReleased',
  { resource: string; policy: string }
>;

export type QosAttachmentsEvent = QosAttachmentClaimed | QosAttachmentReleased;
