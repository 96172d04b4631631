import { Option, type Command } from 'commander';
import type { ResourceChange } from '@loom/api-contract';
import type { CliContext } from '../cli/cli-context';
import { apiCommand, type ApiFlags } from '../cli/common-options';
import { CliError } from '../cli/cli-error';
import { EXIT } from '../cli/exit-codes';
import { parseDuration } from '../cli/flag-parsers';
import { loadApi, loadYaml } from '../cli/lazy-modules';
import { parseResourceName } from '../cli/resource-names';
import { withSession } from '../cli/session';
import { formatChange } from './resource-change.view';

type WatchFlags = ApiFlags & { readonly timeout?: number };
type StopReason = 'timeout' | 'interrupt' | 'end';

/** `loomctl watch <tenant>`: every change to a tenant's resources from now on, as it happens. */
export function addWatchCommand(program: Command, context: CliContext): void {
  apiCommand(
    program,
    'watch <parent>',
    "stream every change to a tenant's resources (tenants/{tenant}) from now on, until Ctrl-C " +
      '(exit 130) or --timeout (exit 0); -o json prints one JSON object per line',
  )
    .addOption(
      new Option('--timeout <duration>', 'stop after this long, e.g. 30s, 10m').argParser(
        parseDuration,
      ),
    )
    .action(async (parent: string, flags: WatchFlags) => {
      parseResourceName(parent, ['tenants']);
      const reason = await withSession(context, flags, ({ client }) => {
        const stream = client.watch.watch({ parent });
        context.io.warn(`watching ${parent}; Ctrl-C stops`);
        return new Promise<StopReason>((resolve, reject) => {
          let stopping: StopReason | undefined;
          const stop = (why: StopReason): void => {
            stopping = why;
            stream.cancel();
          };
          const timer =
            flags.timeout === undefined
              ? undefined
              : setTimeout(() => {
                  stop('timeout');
                }, flags.timeout);
          const stopListening = context.io.onInterrupt(() => {
            stop('interrupt');
          });
          const finish = (): void => {
            clearTimeout(timer);
            stopListening();
          };
          stream.on('data', (change: ResourceChange) => {
            printChange(context, flags, change);
          });
          // Cancelled by loomctl: the stream ends with CANCELLED, which is not a failure here.
          stream.on('error', (error: Error) => {
            finish();
            if (stopping) resolve(stopping);
            else reject(error);
          });
          stream.on('end', () => {
            finish();
            resolve(stopping ?? 'end');
          });
        });
      });
      if (reason === 'interrupt') throw new CliError('interrupted', EXIT.interrupted);
    });
}

function printChange(context: CliContext, flags: WatchFlags, change: ResourceChange): void {
  switch (flags.output) {
    case 'table':
      context.io.print(formatChange(change));
      return;
    case 'json':
      context.io.print(JSON.stringify(loadApi().jsonView(change)));
      return;
    case 'yaml':
      context.io.print(`---\n${loadYaml().stringify(loadApi().jsonView(change)).trimEnd()}`);
      return;
    case 'name':
      context.io.print(change.resourceName);
      return;
    default: {
      const _exhaustive: never = flags.output;
      return _exhaustive;
    }
  }
}
