import { AbortedError, InvalidArgumentError } from '@loom/network/shared/errors';

/**
 * Etags (AIP-154) from the revision of the resource's stream. Weak, because output-only parts
 * of a resource (a tenant's usage) change without a new revision of its own stream.
 */
export function formatEtag(revision: number | bigint): string {
  return `W/"${revision}"`;
}

const ETAG = /^(?:W\/)?"(\d{1,15})"$/;

/** The revision an etag names; undefined when the request sent none (no precondition). */
export function parseEtag(etag: string, field = 'etag'): number | undefined {
  if (etag === '') return undefined;
  const match = ETAG.exec(etag);
  if (!match?.[1]) {
    throw new InvalidArgumentError([
      { field, description: 'is not an etag Loom returned (send the etag of a read, unchanged)' },
    ]);
  }
  return Number(match[1]);
}

/** Refuses a change based on an outdated read: ABORTED with reason ETAG_MISMATCH. */
export function checkEtag(
  etag: string,
  currentRevision: number | bigint,
  resourceName: string,
  field = 'etag',
): void {
  const expected = parseEtag(etag, field);
  if (expected === undefined || BigInt(expected) === BigInt(currentRevision)) return;
  throw new AbortedError(
    'ETAG_MISMATCH',
    resourceName,
    `${resourceName} has changed since it was read (etag ${etag}, now ${formatEtag(currentRevision)}): read it again and retry`,
  );
}
