import type { DomainEvent } from '@loom/intents';

export type VniAllocated = DomainEvent<'VniAllocated', { vni: number; owner: string }>;
export type VniReleased = DomainEvent<'VniReleased', { vni: number; owner: string }>;
export type VniPoolEvent = VniAllocated | VniReleased;
