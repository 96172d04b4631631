import type { JsonValue } from '@loom/event-store';
import type { DomainEvent } from '../decider';

/** A saga to start, recorded in the commit of the intent that asked for it. */
export type FabricWorkRequested = DomainEvent<
  'FabricWorkRequested',
  { sagaType: string; sagaId: string; resourceKey: string; input: JsonValue }
>;

export type FabricWorkEvent = FabricWorkRequested;
