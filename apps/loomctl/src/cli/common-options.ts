import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import type { ConnectionFlags } from '../config/connection';
import { integerFlag, parseDuration } from './flag-parsers';
import { withOutputOption, type OutputFlags } from './output';

/** `--server` and `--token`, on every command that calls the engine. */
export function withConnectionOptions(command: Command): Command {
  return command
    .option(
      '--server <host:port>',
      "the engine's gRPC address (default: $LOOM_SERVER, the config file's, else localhost:50051)",
    )
    .option('--token <jwt>', 'an access token (default: $LOOM_TOKEN, else the config file’s)');
}

export type ApiFlags = ConnectionFlags & OutputFlags;

/** A command that calls the engine and prints what it answered. */
export function apiCommand(parent: Command, nameAndArgs: string, description: string): Command {
  return withOutputOption(
    withConnectionOptions(parent.command(nameAndArgs).description(description)),
  );
}

export interface WaitFlags {
  /** false with --no-wait. */
  readonly wait: boolean;
  readonly waitTimeout: number;
}

/** For methods that answer with a long-running Operation: wait for it (default) or not. */
export function withWaitOptions(command: Command): Command {
  return command
    .option('--no-wait', 'return the operation at once instead of waiting until it is done')
    .addOption(
      new Option('--wait-timeout <duration>', 'how long to wait, e.g. 30s, 5m')
        .argParser(parseDuration)
        .default(300_000, '5m'),
    );
}

export interface RequestIdFlags {
  readonly requestId?: string;
}

/** For methods that take a request_id: a fresh UUID unless given, so a retry can repeat it. */
export function withRequestIdOption(command: Command): Command {
  return command.option(
    '--request-id <uuid>',
    'idempotency key: the same command with the same request id changes nothing twice (default: a new UUID)',
  );
}

export function requestIdOf(flags: RequestIdFlags): string {
  return flags.requestId ?? randomUUID();
}

export interface PagingFlags {
  readonly pageSize?: number;
  readonly pageToken?: string;
  readonly all?: boolean;
}

export function withPagingOptions(command: Command): Command {
  return command
    .option(
      '--page-size <n>',
      'items per page, 1-1000 (default: the engine’s, 50)',
      integerFlag(1, 1000),
    )
    .option('--page-token <token>', 'the page to read: a previous page’s next page token')
    .option('--all', 'read every page, not just one');
}

export interface EtagFlags {
  readonly etag?: string;
}

export function withEtagOption(command: Command): Command {
  return command.option(
    '--etag <etag>',
    'change it only if it still has this etag (ABORTED otherwise): no lost updates',
  );
}
