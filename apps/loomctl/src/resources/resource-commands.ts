import type { Command } from 'commander';
import type { CliContext } from '../cli/cli-context';
import {
  apiCommand,
  requestIdOf,
  withEtagOption,
  withPagingOptions,
  withRequestIdOption,
  withWaitOptions,
  type ApiFlags,
  type EtagFlags,
  type PagingFlags,
  type RequestIdFlags,
  type WaitFlags,
} from '../cli/common-options';
import { printRendering } from '../cli/output';
import { namePattern, parseResourceName } from '../cli/resource-names';
import { withSession } from '../cli/session';
import { formatList } from '../cli/table';
import { succeeded, waitForOperation } from '../operations/operation-wait';
import { parentPath, type Named, type Page, type ResourceKind } from './resource-kind';
import { printOperation, printResource } from './resource-output';

/*
 * The commands every resource has alike; each resource's file adds them in the order
 * create, get, list, update, delete (its create is its own: the fields differ).
 */

export function addGet<R extends Named>(
  group: Command,
  kind: ResourceKind<R>,
  context: CliContext,
): void {
  apiCommand(group, 'get <name>', `show a ${kind.noun} (${namePattern(kind.path)})`).action(
    async (name: string, flags: ApiFlags) => {
      parseResourceName(name, kind.path);
      const resource = await withSession(context, flags, ({ client }) => kind.get(client, name));
      printResource(context, flags.output, kind, resource);
    },
  );
}

export function addList<R extends Named>(
  group: Command,
  kind: ResourceKind<R>,
  context: CliContext,
): void {
  const parent = parentPath(kind);
  const command = apiCommand(
    group,
    parent.length > 0 ? 'list <parent>' : 'list',
    parent.length > 0
      ? `list the ${kind.collection} of a ${namePattern(parent)}, one page unless --all`
      : `list the ${kind.collection}, one page unless --all`,
  );
  withPagingOptions(command).action(async (...args: unknown[]) => {
    const [parentName, flags] = (parent.length > 0 ? args : ['', ...args]) as [
      string,
      ApiFlags & PagingFlags,
    ];
    if (parent.length > 0) parseResourceName(parentName, parent);
    const page = await withSession(context, flags, ({ client }) =>
      readPages(flags, (pageToken) =>
        kind.list(client, parentName, flags.pageSize ?? 0, pageToken),
      ),
    );
    printRendering(context.io, flags.output, {
      message: { [kind.collection]: page.items, nextPageToken: page.nextPageToken },
      table: () => formatList(kind.columns(Date.now()), page.items),
      names: () => page.items.map((item) => item.name),
    });
    if (page.nextPageToken && flags.output === 'table') {
      context.io.warn(`more: --page-token ${page.nextPageToken} (or --all)`);
    }
  });
}

/** One page, or with --all every page from the first (or --page-token) on. */
export async function readPages<R>(
  flags: PagingFlags,
  read: (pageToken: string) => Promise<Page<R>>,
): Promise<Page<R>> {
  let page = await read(flags.pageToken ?? '');
  if (!flags.all) return page;
  const items = [...page.items];
  while (page.nextPageToken) {
    page = await read(page.nextPageToken);
    items.push(...page.items);
  }
  return { items, nextPageToken: '' };
}

export function addDisplayNameUpdate<R extends Named>(
  group: Command,
  kind: ResourceKind<R>,
  context: CliContext,
): void {
  withEtagOption(
    apiCommand(group, 'update <name>', `change a ${kind.noun}'s display name`).requiredOption(
      '--display-name <text>',
      'the new display name',
    ),
  ).action(async (name: string, flags: ApiFlags & EtagFlags & { displayName: string }) => {
    parseResourceName(name, kind.path);
    const updated = await withSession(context, flags, ({ client }) =>
      kind.updateDisplayName(client, {
        name,
        displayName: flags.displayName,
        etag: flags.etag ?? '',
      }),
    );
    printResource(context, flags.output, kind, updated);
  });
}

export function addDelete<R extends Named>(
  group: Command,
  kind: ResourceKind<R>,
  context: CliContext,
): void {
  let command = withEtagOption(
    apiCommand(
      group,
      'delete <name>',
      `delete a ${kind.noun}; waits until it is gone unless --no-wait`,
    ),
  );
  if (kind.deletesAtOnce !== true) command = withRequestIdOption(withWaitOptions(command));
  command.action(
    async (name: string, flags: ApiFlags & EtagFlags & RequestIdFlags & Partial<WaitFlags>) => {
      parseResourceName(name, kind.path);
      await withSession(context, flags, async (session) => {
        const operation = await kind.delete(session.client, {
          name,
          etag: flags.etag ?? '',
          requestId: requestIdOf(flags),
        });
        if (operation && flags.wait === false) {
          printOperation(context, flags.output, operation);
          return;
        }
        const done = operation
          ? succeeded(
              session,
              await waitForOperation(context, session, operation, flags.waitTimeout ?? 300_000),
            )
          : undefined;
        printRendering(context.io, flags.output, {
          message: done ?? {},
          table: () => [`deleted ${name}`],
          names: () => [name],
        });
      });
    },
  );
}
