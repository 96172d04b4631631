import { Command, Option } from 'commander';
import type { CliContext } from '../cli/cli-context';
import { EXIT } from '../cli/exit-codes';
import { integerFlag } from '../cli/flag-parsers';
import { addAuditApiCommands } from './audit-api.command';
import type * as AuditVerifyModule from './audit-verify';
import { formatVerification, verificationJson } from './audit-verify.view';

/** audit-verify.ts on first use: it loads pg and jose, which other commands do not need. */
function loadAuditVerify(): typeof AuditVerifyModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./audit-verify') as typeof AuditVerifyModule;
}

const collect = (value: string, previous: readonly string[]): string[] => [...previous, value];

/** `loomctl audit ...`: the audit trail and its tamper evidence. */
export function auditCommand(context: CliContext): Command {
  const { env, io } = context;
  const audit = new Command('audit').description(
    'the audit trail: who changed what, the network at any instant, traces, exports, and ' +
      'verification that the event log is the one the engine sealed',
  );
  addAuditApiCommands(audit, context);
  audit
    .command('verify')
    .description(
      'recompute the hash chain over the whole event log and check it against every signed ' +
        'checkpoint; exit 0 intact, 3 tampered',
    )
    .option(
      '--database-url <url>',
      "the engine's PostgreSQL (default: $DATABASE_URL, else the data directory's embedded one)",
    )
    .option('--data-dir <dir>', 'the data directory', env['LOOM_DATA_DIR'] ?? './.loom')
    .addOption(
      new Option('--pg-port <port>', "the embedded PostgreSQL's port")
        .argParser(integerFlag(1, 65535))
        .default(Number(env['LOOM_EMBEDDED_PG_PORT'] ?? 54329)),
    )
    .option(
      '--public-key <file>',
      "the audit key's public JWK (default: the data directory's audit-signing-key.json)",
    )
    .option(
      '--checkpoint <file>',
      'a checkpoint saved earlier (--save-checkpoint): reveals a log cut short; repeatable',
      collect,
      [],
    )
    .option(
      '--save-checkpoint <file>',
      'write the newest verified checkpoint there, to keep elsewhere',
    )
    .option('--json', 'print the report as JSON')
    .action(async (flags: AuditVerifyModule.AuditVerifyFlags & { json?: boolean }) => {
      const databaseUrl = flags.databaseUrl ?? env['DATABASE_URL'];
      const report = await loadAuditVerify().verifyAuditLog(
        { ...flags, ...(databaseUrl === undefined ? {} : { databaseUrl }) },
        io,
      );
      if (flags.json === true) io.print(verificationJson(report));
      else for (const line of formatVerification(report)) io.print(line);
      io.setExitCode(report.intact ? EXIT.ok : EXIT.tampered);
    });
  return audit;
}
