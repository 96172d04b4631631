import { AbortedError, AlreadyExistsError } from '@loom/errors';

/*
 * The lifecycle the deciders of tenants, VPCs, subnets and ports share: a create that a retry of
 * the same operation may repeat, updates and deletes guarded by an etag, and a version, the etag,
 * that every change a client can read bumps: an update of the resource's own fields, a port's
 * fabric verdict (its status), a tenant's usage. Claims held in the resource's stream that Get
 * does not show (a VPC's subnet blocks, a subnet's addresses) do not. The projections count the
 * same events (see the *.row-changes.ts), so the etag Get returns is the one the decider checks.
 */

interface Versioned {
  readonly version: number;
}

/** The etag of a resource: its version, quoted (`"3"`), as Get returns it. */
export const versionEtag = (resource: Versioned): string => `"${resource.version}"`;

/** No etag, or an empty one, means any version; another version's etag is refused. */
export function checkEtag(
  resource: Versioned,
  etag: string | undefined,
  name: string,
  noun: string,
): void {
  if (etag !== undefined && etag !== '' && etag !== versionEtag(resource)) {
    throw new AbortedError(
      'ETAG_MISMATCH',
      name,
      `the ${noun} changed since it was read: read it again`,
    );
  }
}

/**
 * Whether a create meets the resource its own operation already made: a retry, with nothing left
 * to decide. A resource another operation made is refused.
 */
export function isRetriedCreate(
  state: { readonly status: string; readonly createdBy?: string },
  createdBy: string,
  name: string,
): boolean {
  if (state.status !== 'Active') return false;
  if (state.createdBy === createdBy) return true;
  throw new AlreadyExistsError(name);
}

/** Whether an update of the display name changes it; a stale etag is refused first. */
export function changesDisplayName(
  resource: Versioned & { readonly displayName: string },
  update: { readonly displayName: string; readonly etag?: string },
  name: string,
  noun: string,
): boolean {
  checkEtag(resource, update.etag, name, noun);
  return update.displayName !== resource.displayName;
}

/** The resource with a change a client can read applied: a new version, so a new etag. */
export const withUpdate = <R extends Versioned>(resource: R, fields: Partial<R>): R => ({
  ...resource,
  ...fields,
  version: resource.version + 1,
});
