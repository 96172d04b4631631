import type { JsonObject, JsonValue } from '@loom/event-store';
import type { ResourceKind } from './audited-stream';

/** One resource as it was: its kind, name and fields. */
export interface ResourceView {
  readonly kind: ResourceKind;
  readonly name: string;
  readonly fields: JsonObject;
}

/** Resources by name, as they were at one instant. */
export type NetworkSnapshot = ReadonlyMap<string, ResourceView>;

export interface FieldChange {
  readonly field: string;
  readonly before?: JsonValue;
  readonly after?: JsonValue;
}

export interface SnapshotDiff {
  readonly added: readonly ResourceView[];
  readonly removed: readonly ResourceView[];
  readonly changed: readonly {
    readonly kind: ResourceKind;
    readonly name: string;
    readonly changes: readonly FieldChange[];
  }[];
}

/** Field by field, top-level fields compared as JSON; nested values appear whole. */
export function fieldChanges(
  before: JsonObject | undefined,
  after: JsonObject | undefined,
): FieldChange[] {
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const a = before?.[field];
    const b = after?.[field];
    if (canonicalJson(a) === canonicalJson(b)) continue;
    changes.push({
      field,
      ...(a === undefined ? {} : { before: a }),
      ...(b === undefined ? {} : { after: b }),
    });
  }
  return changes;
}

/** What was added, removed and changed (field by field) from one snapshot to another. */
export function diffSnapshots(from: NetworkSnapshot, to: NetworkSnapshot): SnapshotDiff {
  const added: ResourceView[] = [];
  const removed: ResourceView[] = [];
  const changed: SnapshotDiff['changed'][number][] = [];
  for (const [name, view] of from) {
    const later = to.get(name);
    if (later === undefined) removed.push(view);
    else {
      const changes = fieldChanges(view.fields, later.fields);
      if (changes.length > 0) changed.push({ kind: view.kind, name, changes });
    }
  }
  for (const [name, view] of to) if (!from.has(name)) added.push(view);
  const byName = (a: { name: string }, b: { name: string }) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  return {
    added: added.sort(byName),
    removed: removed.sort(byName),
    changed: changed.sort(byName),
  };
}

/** JSON with sorted keys: equal values, equal text. */
export function canonicalJson(value: JsonValue | undefined): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
}
