import type { JsonObject } from '@loom/event-store';

/** A stored event as a model folds it: upcast to the current shape. */
export interface ModelEvent {
  readonly type: string;
  readonly data: unknown;
}

/**
 * How the audit rebuilds one kind of resource: the decider's own `initialState` and `evolve`
 * (never a read model), and `view`, the fields an auditor sees (undefined: it does not exist).
 */
export interface ResourceModel {
  initialState(): unknown;
  evolve(state: unknown, event: ModelEvent): unknown;
  view(state: unknown): JsonObject | undefined;
  /** Whether this build knows the event type (events of kinds added later are skipped). */
  knows(type: string): boolean;
  /** The stored event in the current schema version. */
  upcast(type: string, schemaVersion: number, data: unknown): ModelEvent;
}
