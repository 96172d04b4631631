import type { DomainEvent } from '@loom/intents';

/**
 * A /31 of the service pool taken by `owner` (the create operation of the service IP
 * `resource`): the pool is also the index of every service IP, which the service node's intended
 * state starts from.
 */
export type ServiceBlockAllocated = DomainEvent<
  'ServiceBlockAllocated',
  { block: string; owner: string; resource: string }
>;
export type ServiceBlockReleased = DomainEvent<
  'ServiceBlockReleased',
  { block: string; owner: string }
>;

export type ServicePoolEvent = ServiceBlockAllocated | ServiceBlockReleased;
