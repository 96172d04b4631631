import type { EventFilter, RecordedEvent } from '@loom/event-store';
import {
  writeRows,
  type EntityClass,
  type PatchStatement,
  type Projection,
  type TableWrites,
} from '@loom/projections';
import type { ResourcePatch } from '../shared/resource-patch';
import { resourcePatchColumns, resourcePatchRecord, resourcePatchSet } from './resource-patch-sql';

/** Columns a resource's patches change besides the shared ones (a tenant's quota and usage). */
export interface OwnPatchColumns<Patch> {
  /** `column = expression` over `t`, the stored row, and `p`, the patch record. */
  readonly set: string;
  /** `name type` of the patch record's own fields, for jsonb_to_recordset. */
  readonly columns: string;
  readonly toRecord: (patch: Patch) => Record<string, unknown>;
}

/** The UPDATE that applies a batch's patches to the stored rows of `read_model.{table}`. */
export function resourcePatchStatement<Patch extends ResourcePatch>(
  table: string,
  own?: OwnPatchColumns<Patch>,
): PatchStatement<Patch> {
  const set = own === undefined ? resourcePatchSet : `${resourcePatchSet},\n  ${own.set}`;
  const columns =
    own === undefined ? resourcePatchColumns : `${resourcePatchColumns}, ${own.columns}`;
  return {
    sql: `UPDATE read_model.${table} AS t SET ${set}
    FROM jsonb_to_recordset($1::jsonb) AS p(${columns})
    WHERE t.name = p.name`,
    toRecord: (name, patch) => ({ ...resourcePatchRecord(name, patch), ...own?.toRecord(patch) }),
  };
}

/** A resource's read model: one table, named as the projection, written from each folded batch. */
export function resourceProjection<Row extends object, Patch extends ResourcePatch>(spec: {
  readonly table: string;
  readonly entity: EntityClass;
  readonly filter: EventFilter;
  readonly fold: (events: readonly RecordedEvent[]) => TableWrites<Row, Patch>;
  readonly ownPatchColumns?: OwnPatchColumns<Patch>;
}): Projection {
  const patches = resourcePatchStatement(spec.table, spec.ownPatchColumns);
  return {
    name: spec.table,
    filter: spec.filter,
    entities: [spec.entity],
    applyBatch: (events, manager) => writeRows(manager, spec.entity, spec.fold(events), patches),
  };
}
