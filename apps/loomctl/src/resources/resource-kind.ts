import type { Operation } from '@loom/api-contract';
import type { LoomClient } from '../api';
import type { Collection } from '../cli/resource-names';
import type { Column } from '../cli/table';

export interface Page<R> {
  readonly items: R[];
  readonly nextPageToken: string;
}

/**
 * One loom.v1 resource as the generic commands (get, list, update, delete) see it: its names, how
 * it is printed, and its service's calls. Every resource is one of these, so they all behave alike.
 */
/** What every resource has: a name and an etag. */
export interface Named {
  readonly name: string;
  readonly etag: string;
}

export interface ResourceKind<R extends Named> {
  /** The collection in names and on the command line: `vpcs`. */
  readonly collection: Collection;
  /** The collections of its names, outermost first: `['tenants', 'vpcs']`. */
  readonly path: readonly Collection[];
  /** In sentences: `VPC`. */
  readonly noun: string;
  /** Deleted at once (no Operation, so no request id or wait): tenants, external networks. */
  readonly deletesAtOnce?: boolean;
  readonly columns: (nowMs: number) => Column<R>[];
  readonly fields: (resource: R) => [string, string][];
  get(client: LoomClient, name: string): Promise<R>;
  list(client: LoomClient, parent: string, pageSize: number, pageToken: string): Promise<Page<R>>;
  /** Sets the display name (the field every resource may change); checks the etag if not empty. */
  updateDisplayName(
    client: LoomClient,
    request: { readonly name: string; readonly displayName: string; readonly etag: string },
  ): Promise<R>;
  /** Starts the deletion: an Operation when it is long-running, undefined when done at once. */
  delete(
    client: LoomClient,
    request: { readonly name: string; readonly etag: string; readonly requestId: string },
  ): Promise<Operation | undefined>;
}

/** The name of a list's parent, for `list <parent>`: none for tenants. */
export const parentPath = <R extends Named>(kind: ResourceKind<R>): readonly Collection[] =>
  kind.path.slice(0, -1);
