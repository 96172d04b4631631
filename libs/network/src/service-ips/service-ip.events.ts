import type { DomainEvent } from '@loom/intents';

/**
 * A VPC's service IP: access from its VMs to `prefixes` of the management network, through the
 * service node (a border leaf), translated to `address`, the VPC's address on the management
 * side (the VRF end of its service link `block`, a /31 of the service pool).
 */
export type ServiceIpCreated = DomainEvent<
  'ServiceIpCreated',
  {
    tenantId: string;
    vpcId: string;
    prefixes: string[];
    node: string;
    block: string;
    vrfAddress: string;
    nodeAddress: string;
    address: string;
    createdBy: string;
  }
>;
export type ServiceIpActivated = DomainEvent<'ServiceIpActivated', Record<string, never>>;
export type ServiceIpFailed = DomainEvent<'ServiceIpFailed', { reason: string }>;
export type ServiceIpDeleted = DomainEvent<'ServiceIpDeleted', ServiceIpCreated['data']>;
/**
 * Its clear-service-ip failed and was undone: the node still holds it, so the intent does again,
 * in ERROR with the reason (its /31 was never given back); deleting it again retries.
 */
export type ServiceIpRestored = DomainEvent<
  'ServiceIpRestored',
  ServiceIpCreated['data'] & { reason: string }
>;

export type ServiceIpEvent =
  ServiceIpCreated | ServiceIpActivated | ServiceIpFailed | ServiceIpDeleted | ServiceIpRestored;
