import { Command, Option } from 'commander';
import type { Role } from '@loom/access';
import { configPath, updateConfig } from './config/config-file';
import { mintTokenWithDataDir } from './token-mint';

/** The roles --role offers: the same as @loom/access's Role, which the type check below keeps. */
const ROLE_CHOICES = ['portal', 'tenant', 'ops', 'auditor'] as const satisfies readonly Role[];
type MissingRole = Exclude<Role, (typeof ROLE_CHOICES)[number]>;
const _everyRole: [MissingRole] extends [never] ? true : MissingRole = true;

interface MintFlags {
  readonly role: Role;
  readonly tenant?: string;
  readonly subject: string;
  readonly ttl: string;
  readonly dataDir: string;
  readonly save?: boolean;
}

/** `loomctl token mint`: access tokens for the gRPC API, for operators, scripts and tests. */
export function tokenCommand(
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Command {
  const token = new Command('token').description('access tokens for the loom.v1 gRPC API');
  token
    .command('mint')
    .description("print a JWT signed with the data directory's key (created if absent)")
    .addOption(
      new Option('--role <role>', 'who the token speaks for')
        .choices(ROLE_CHOICES)
        .makeOptionMandatory(),
    )
    .option('--tenant <id>', 'the tenant id (required with --role tenant)')
    .option('--subject <name>', 'the caller, recorded as the actor of its changes', 'loomctl')
    .option('--ttl <duration>', 'lifetime: a number and s, m, h or d', '1h')
    .option('--data-dir <dir>', "the engine's data directory", env['LOOM_DATA_DIR'] ?? './.loom')
    .option(
      '--save',
      'save it in the config file (mode 0600) for the next commands instead of printing it',
    )
    .action(async (flags: MintFlags) => {
      if (env['LOOM_JWT_PUBLIC_KEY']) {
        warn(
          'loomctl: LOOM_JWT_PUBLIC_KEY is set: an engine using it does not accept tokens signed with the data directory key',
        );
      }
      const minted = await mintTokenWithDataDir(flags);
      if (!flags.save) {
        print(minted);
        return;
      }
      const path = configPath(env);
      await updateConfig(path, (config) => ({ ...config, token: minted }));
      warn(`saved a ${flags.role} token valid for ${flags.ttl} to ${path}`);
    });
  return token;
}
