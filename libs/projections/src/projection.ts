import type { EventFilter, RecordedEvent } from '@loom/event-store';
import type { EntityManager } from 'typeorm';

/** A TypeORM entity class; the runner only checks that the data source knows it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeORM types entity classes this way
export type EntityClass = abstract new (...args: any[]) => object;

interface ProjectionDefinition {
  /** Durable name: the checkpoint is stored under it; renaming it rebuilds the read model. */
  readonly name: string;
  /** The events it receives; absent means every event. */
  readonly filter?: EventFilter;
  /** The entities it writes, which the data source must have registered. */
  readonly entities: readonly EntityClass[];
}

/**
 * Applies events one at a time. `apply` runs inside the batch's transaction: it must write only
 * through `manager`, so its writes commit or roll back together with the checkpoint.
 */
export interface EventProjection extends ProjectionDefinition {
  apply(event: RecordedEvent, manager: EntityManager): Promise<void>;
  readonly applyBatch?: never;
}

/**
 * Applies a whole batch (the events after the checkpoint, in the global order, never empty) in
 * the batch's transaction, through `manager` only: typically folded in memory into the final
 * state of each row, then written with a few set-based statements per table, whatever the size
 * of the batch.
 */
export interface BatchProjection extends ProjectionDefinition {
  applyBatch(events: readonly RecordedEvent[], manager: EntityManager): Promise<void>;
  readonly apply?: never;
}

/** A read model built from the event log. */
export type Projection = EventProjection | BatchProjection;

const projectionNamePattern = /^[a-z][a-z0-9_.-]{0,99}$/;

export function assertProjectionName(name: string): void {
  if (!projectionNamePattern.test(name)) {
    throw new Error(
      `invalid projection name ${JSON.stringify(name)}: use 1 to 100 of a-z, 0-9, _ . - starting with a letter`,
    );
  }
}

/** Every entity of the given projections, once: what a read-model data source must register. */
export function projectionEntities(projections: readonly Projection[]): EntityClass[] {
  return [...new Set(projections.flatMap((projection) => projection.entities))];
}
