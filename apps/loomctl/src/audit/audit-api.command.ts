import type { Command } from 'commander';
import type { Change, ExportedEvent } from '@loom/api-contract';
import type { CliContext } from '../cli/cli-context';
import {
  apiCommand,
  withPagingOptions,
  type ApiFlags,
  type PagingFlags,
} from '../cli/common-options';
import { CliError } from '../cli/cli-error';
import { loadCliProgress } from '../cli/lazy-modules';
import { printRendering, type OutputFormat } from '../cli/output';
import { withSession } from '../cli/session';
import {
  changeDetails,
  changesTable,
  diffLines,
  parseInstant,
  stateTable,
  traceLines,
} from './audit-views';

interface JsonFlag {
  readonly json?: boolean;
}

/** `-o json` or its shorthand `--json`. */
const formatOf = (flags: ApiFlags & JsonFlag): OutputFormat => (flags.json ? 'json' : flags.output);

const auditCall = (parent: Command, nameAndArgs: string, description: string): Command =>
  apiCommand(parent, nameAndArgs, description).option('--json', 'the same as -o json');

/** A counter on the person's terminal for reads that may be long; nothing for scripts. */
function counter(context: CliContext, label: string): { add(n: number): void; stop(): void } {
  if (context.io.progressStream.isTTY !== true)
    return { add: () => undefined, stop: () => undefined };
  const bar = new (loadCliProgress().SingleBar)({
    stream: context.io.progressStream,
    format: `${label} {value} {unit}`,
    clearOnComplete: true,
    hideCursor: true,
    gracefulExit: false,
  });
  bar.start(0, 0, { unit: 'events' });
  let count = 0;
  return {
    add: (n) => {
      count += n;
      bar.setTotal(count);
      bar.update(count);
    },
    stop: () => {
      bar.stop();
    },
  };
}

interface ChangesFlags extends ApiFlags, PagingFlags, JsonFlag {
  readonly tenant?: string;
  readonly resource?: string;
  readonly actor?: string;
  readonly requestId?: string;
  readonly correlationId?: string;
  readonly type?: string;
  readonly since?: string;
  readonly until?: string;
  readonly oldestFirst?: boolean;
  readonly details?: boolean;
}

const timeOf = (value: string | undefined, flag: string) => {
  if (value === undefined) return null;
  const instant = parseInstant(value);
  if (!instant.time) throw CliError.usage(`${flag} takes a time, not a log position`);
  return instant.time;
};

/** `loomctl audit changes|at|diff|trace|export`: AuditService, for auditors, ops and the portal. */
export function addAuditApiCommands(audit: Command, context: CliContext): void {
  withPagingOptions(
    auditCall(audit, 'changes', 'who changed what and when: the log filtered, newest first')
      .option('--tenant <id>', 'one tenant (a tenant token sees only its own)')
      .option('--resource <name>', 'a resource and everything under it')
      .option('--actor <actor>', 'role:subject as recorded, or a subject')
      .option('--request-id <uuid>', 'the changes of one request')
      .option('--correlation-id <id>', 'the changes of one call (its x-request-id)')
      .option('--type <event-type>', 'one event type, e.g. PortDeleted')
      .option('--since <time>', 'from this RFC 3339 time')
      .option('--until <time>', 'before this RFC 3339 time')
      .option('--oldest-first', 'oldest first')
      .option('--details', 'every changed field, before and after'),
  ).action(async (flags: ChangesFlags) => {
    const progress = counter(context, 'reading changes');
    const changes: Change[] = [];
    let nextPageToken = flags.pageToken ?? '';
    try {
      await withSession(context, flags, async ({ client }) => {
        do {
          const page = await client.audit.listChanges({
            tenant: flags.tenant ?? '',
            resource: flags.resource ?? '',
            actor: flags.actor ?? '',
            requestId: flags.requestId ?? '',
            correlationId: flags.correlationId ?? '',
            eventType: flags.type ?? '',
            startTime: timeOf(flags.since, '--since'),
            endTime: timeOf(flags.until, '--until'),
            oldestFirst: flags.oldestFirst === true,
            pageSize: flags.pageSize ?? 0,
            pageToken: nextPageToken,
          });
          changes.push(...page.changes);
          progress.add(page.changes.length);
          nextPageToken = page.nextPageToken;
        } while (flags.all === true && nextPageToken !== '');
      });
    } finally {
      progress.stop();
    }
    printRendering(context.io, formatOf(flags), {
      message: { changes, nextPageToken },
      table: () => [
        ...(flags.details ? changeDetails(changes) : changesTable(changes)),
        ...(nextPageToken ? [`(more: --page-token ${nextPageToken})`] : []),
      ],
      names: () => changes.map((change) => change.resource),
    });
  });

  auditCall(
    audit,
    'at <name>',
    'a tenant (or a resource and what is under it) as it was at an instant',
  )
    .option('--at <time-or-position>', 'an RFC 3339 time or a log position (default: now)')
    .action(async (name: string, flags: ApiFlags & JsonFlag & { at?: string }) => {
      const state = await withSession(context, flags, ({ client }) =>
        client.audit.getStateAt({
          name,
          at: flags.at === undefined ? null : parseInstant(flags.at),
        }),
      );
      printRendering(context.io, formatOf(flags), {
        message: state,
        table: () => stateTable(state.position, state.resources),
        names: () => state.resources.map((resource) => resource.name),
      });
    });

  auditCall(audit, 'diff <name>', 'what was added, removed and changed between two instants')
    .requiredOption('--from <time-or-position>', 'the earlier instant')
    .option('--to <time-or-position>', 'the later instant (default: now)')
    .action(async (name: string, flags: ApiFlags & JsonFlag & { from: string; to?: string }) => {
      const diff = await withSession(context, flags, ({ client }) =>
        client.audit.diffStates({
          name,
          from: parseInstant(flags.from),
          to: flags.to === undefined ? null : parseInstant(flags.to),
        }),
      );
      printRendering(context.io, formatOf(flags), {
        message: diff,
        table: () => diffLines(diff),
        names: () => [...diff.added, ...diff.removed, ...diff.changed].map((entry) => entry.name),
      });
    });

  auditCall(
    audit,
    'trace [operation]',
    'the causal chain of one call: its events, sagas, steps and device operations',
  )
    .option('--request-id <uuid>', 'trace the call with this request_id instead')
    .option(
      '--correlation-id <id>',
      'trace the call with this correlation id (a drift repair: its repair id)',
    )
    .option('--saga <id>', 'trace the call whose fabric work started this saga')
    .option('--tenant <id>', 'whose request id it is')
    .action(
      async (
        operation: string | undefined,
        flags: ApiFlags &
          JsonFlag & { requestId?: string; correlationId?: string; saga?: string; tenant?: string },
      ) => {
        const targets = [
          operation === undefined ? undefined : { operation },
          flags.requestId === undefined ? undefined : { requestId: flags.requestId },
          flags.correlationId === undefined ? undefined : { correlationId: flags.correlationId },
          flags.saga === undefined ? undefined : { sagaId: flags.saga },
        ].filter((target) => target !== undefined);
        const [target] = targets;
        if (target === undefined || targets.length > 1) {
          throw CliError.usage(
            'name an operation, --request-id, --correlation-id or --saga, one of them',
          );
        }
        const trace = await withSession(context, flags, ({ client }) =>
          client.audit.traceCall({ ...target, tenant: flags.tenant ?? '' }),
        );
        printRendering(context.io, formatOf(flags), {
          message: trace,
          table: () => traceLines(trace),
          names: () => trace.events.map((event) => event.resource),
        });
      },
    );

  apiCommand(
    audit,
    'export',
    'the log as JSON lines, in global order; --after resumes (the export is recorded)',
  )
    .option('--tenant <id>', "one tenant's events (a tenant token gets only its own)")
    .option('--after <position>', 'resume after this position (the last one received)', '0')
    .option('--since <time>', 'from this RFC 3339 time')
    .option('--until <time>', 'before this RFC 3339 time')
    .action(
      async (
        flags: ApiFlags & { tenant?: string; after: string; since?: string; until?: string },
      ) => {
        if (!/^[0-9]+$/.test(flags.after)) throw CliError.usage('--after takes a log position');
        const progress = counter(context, 'exporting');
        try {
          await withSession(context, flags, async ({ client }) => {
            const stream = client.auditExport.exportEvents({
              tenant: flags.tenant ?? '',
              afterPosition: flags.after,
              startTime: timeOf(flags.since, '--since'),
              endTime: timeOf(flags.until, '--until'),
            });
            for await (const event of stream as AsyncIterable<ExportedEvent>) {
              context.io.print(JSON.stringify(exportLine(event)));
              progress.add(1);
            }
          });
        } finally {
          progress.stop();
        }
      },
    );
}

/** One exported event as a JSON line: data and metadata as objects, the instant in RFC 3339. */
export function exportLine(event: ExportedEvent): object {
  return {
    position: event.position,
    id: event.id,
    stream: event.stream,
    revision: Number(event.revision),
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: JSON.parse(event.dataJson) as unknown,
    metadata: JSON.parse(event.metadataJson) as unknown,
    recordedAt: event.recordedTime
      ? new Date(
          Number(event.recordedTime.seconds) * 1000 + event.recordedTime.nanos / 1e6,
        ).toISOString()
      : '',
  };
}
