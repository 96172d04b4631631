import { InvalidArgumentError } from '@loom/errors';
import { checkDisplayName, checkEtag } from '@loom/names';

/** An update of a resource's display name; with the etag Get returned, only of that version. */
export interface DisplayNameUpdate {
  /** Undefined when the update mask does not name it: nothing to change. */
  readonly displayName?: string | undefined;
  readonly etag?: string | undefined;
}

/** A delete; with the etag Get returned, only of that version. */
export interface ResourceDeletion {
  readonly etag?: string | undefined;
  /** The client's request_id: a retry answers with the first attempt's operation. */
  readonly requestId?: string | undefined;
}

/**
 * Checks an update of `resource` (`vpc`, `subnet`, `port`: the request's field) and returns the
 * display name to set, or undefined when there is none.
 */
export function checkDisplayNameUpdate(
  resource: string,
  update: DisplayNameUpdate,
): string | undefined {
  const { displayName, etag } = update;
  const violations = [
    ...checkEtag(`${resource}.etag`, etag),
    ...(displayName === undefined ? [] : checkDisplayName(`${resource}.display_name`, displayName)),
  ];
  if (violations.length > 0) throw new InvalidArgumentError(violations);
  return displayName;
}

/** Checks a delete's `etag` field. */
export function checkDeletion(deletion: ResourceDeletion): void {
  const violations = checkEtag('etag', deletion.etag);
  if (violations.length > 0) throw new InvalidArgumentError(violations);
}

/** The etag a command checks: none when the client sent none (or an empty one). */
export const etagOf = (etag: string | undefined): { readonly etag?: string } =>
  etag ? { etag } : {};
