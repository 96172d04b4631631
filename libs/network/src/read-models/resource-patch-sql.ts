import type { ResourcePatch } from '../shared/resource-patch';

/**
 * The SQL side of ResourcePatch, for a projection's patch statement: `t` is the stored row, `p`
 * the patch record. An absent field is null in the record and keeps the stored value.
 */
export const resourcePatchColumns =
  'name text, display_name text, version_bumps integer, update_time timestamptz';

export const resourcePatchSet = `display_name = COALESCE(p.display_name, t.display_name),
  version = t.version + p.version_bumps,
  update_time = COALESCE(p.update_time, t.update_time)`;

export function resourcePatchRecord(name: string, patch: ResourcePatch): Record<string, unknown> {
  return {
    name,
    display_name: patch.displayName ?? null,
    version_bumps: patch.versionBumps,
    update_time: patch.updateTime ?? null,
  };
}
