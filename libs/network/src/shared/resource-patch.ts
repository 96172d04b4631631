import type { RowPatching } from '@loom/projections';

/**
 * The part of a change to a resource's read-model row that every resource shares: a new display
 * name, version bumps (one per update event) and the time of the last change.
 */
export interface ResourcePatch {
  readonly displayName?: string;
  readonly versionBumps: number;
  readonly updateTime?: Date;
}

interface ResourceRow {
  readonly displayName: string;
  readonly version: number;
  readonly updateTime: Date;
}

/** `first`, then `second`: the later value of each field wins, version bumps add up. */
export function combineResourcePatches<P extends ResourcePatch>(first: P, second: P): P {
  return { ...first, ...second, versionBumps: first.versionBumps + second.versionBumps };
}

export function applyResourcePatch<R extends ResourceRow>(row: R, patch: ResourcePatch): R {
  return {
    ...row,
    displayName: patch.displayName ?? row.displayName,
    version: row.version + patch.versionBumps,
    updateTime: patch.updateTime ?? row.updateTime,
  };
}

/** How a row changes when its patches are only the shared part (VPCs, subnets). */
export function resourcePatching<R extends ResourceRow>(): RowPatching<R, ResourcePatch> {
  return { applyTo: applyResourcePatch, combine: combineResourcePatches };
}
