import { Command, Option } from 'commander';
import type { CliContext } from '../cli/cli-context';
import {
  apiCommand,
  withPagingOptions,
  type ApiFlags,
  type PagingFlags,
} from '../cli/common-options';
import { exitCodeOfGrpcStatus } from '../cli/exit-codes';
import { parseDuration } from '../cli/flag-parsers';
import { printRendering } from '../cli/output';
import { parseResourceName } from '../cli/resource-names';
import { withSession } from '../cli/session';
import { formatList } from '../cli/table';
import { readPages } from '../resources/resource-commands';
import { printOperation } from '../resources/resource-output';
import { waitForOperation } from './operation-wait';
import { operationColumns } from './operations.view';

const operationPath = ['tenants', 'operations'] as const;

/** `loomctl operations get|list|wait`: the long-running work creates and deletes start. */
export function operationsCommand(context: CliContext): Command {
  const group = new Command('operations').description(
    'long-running operations: the fabric work that creates and deletes start',
  );
  apiCommand(
    group,
    'get <name>',
    'show an operation (tenants/{tenant}/operations/{operation})',
  ).action(async (name: string, flags: ApiFlags) => {
    parseResourceName(name, operationPath);
    const operation = await withSession(context, flags, ({ client }) =>
      client.operations.getOperation({ name }),
    );
    printOperation(context, flags.output, operation);
  });
  withPagingOptions(
    apiCommand(
      group,
      'list <parent>',
      "list a tenant's operations (tenants/{tenant}), one page unless --all",
    ),
  ).action(async (parent: string, flags: ApiFlags & PagingFlags) => {
    parseResourceName(parent, ['tenants']);
    const page = await withSession(context, flags, ({ client }) =>
      readPages(flags, async (pageToken) => {
        const answer = await client.operations.listOperations({
          parent,
          pageSize: flags.pageSize ?? 0,
          pageToken,
        });
        return { items: answer.operations, nextPageToken: answer.nextPageToken };
      }),
    );
    printRendering(context.io, flags.output, {
      message: { operations: page.items, nextPageToken: page.nextPageToken },
      table: () => formatList(operationColumns(Date.now()), page.items),
      names: () => page.items.map((operation) => operation.name),
    });
    if (page.nextPageToken && flags.output === 'table') {
      context.io.warn(`more: --page-token ${page.nextPageToken} (or --all)`);
    }
  });
  apiCommand(
    group,
    'wait <name>',
    'wait until an operation is done and show it; exits with its error’s status when it failed',
  )
    .addOption(
      new Option('--timeout <duration>', 'how long to wait, e.g. 30s, 5m')
        .argParser(parseDuration)
        .default(300_000, '5m'),
    )
    .action(async (name: string, flags: ApiFlags & { timeout: number }) => {
      parseResourceName(name, operationPath);
      const operation = await withSession(context, flags, async (session) =>
        waitForOperation(
          context,
          session,
          await session.client.operations.getOperation({ name }),
          flags.timeout,
        ),
      );
      printOperation(context, flags.output, operation);
      if (operation.error) context.io.setExitCode(exitCodeOfGrpcStatus(operation.error.code));
    });
  return group;
}
