import type { DomainEvent } from '@loom/intents';

/** A /31 of the transfer pool taken by `owner` (a VPC's external gateway). */
export type TransferBlockAllocated = DomainEvent<
  'TransferBlockAllocated',
  { block: string; owner: string }
>;
export type TransferBlockReleased = DomainEvent<
  'TransferBlockReleased',
  { block: string; owner: string }
>;

export type TransferPoolEvent = TransferBlockAllocated | TransferBlockReleased;
