import type { DomainEvent } from '@loom/intents';

/**
 * A /31 of the transfer pool taken by `owner` (the create operation of the VPC external gateway
 * `resource`): the pool is also the index of every external gateway, which the gateway nodes'
 * intended state starts from.
 */
export type TransferBlockAllocated = DomainEvent<
  'TransferBlockAllocated',
  { block: string; owner: string; resource: string }
>;
export type TransferBlockReleased = DomainEvent<
  'TransferBlockReleased',
  { block: string; owner: string }
>;

export type TransferPoolEvent = TransferBlockAllocated | TransferBlockReleased;
