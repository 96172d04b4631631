import { Command, Option } from 'commander';
import { ROLES, type Role } from '@loom/access/principal';
import { mintTokenWithDataDir } from './token-mint';

interface MintFlags {
  readonly role: Role;
  readonly tenant?: string;
  readonly subject: string;
  readonly ttl: string;
  readonly dataDir: string;
}

/** `loomctl token mint`: access tokens for the gRPC API, for operators, scripts and tests. */
export function tokenCommand(env: NodeJS.ProcessEnv, print: (line: string) => void): Command {
  const token = new Command('token').description('access tokens for the loom.v1 gRPC API');
  token
    .command('mint')
    .description("print a JWT signed with the data directory's key (created if absent)")
    .addOption(
      new Option('--role <role>', 'who the token speaks for').choices(ROLES).makeOptionMandatory(),
    )
    .option('--tenant <id>', 'the tenant id (required with --role tenant)')
    .option('--subject <name>', 'the caller, recorded as the actor of its changes', 'loomctl')
    .option('--ttl <duration>', 'lifetime: a number and s, m, h or d', '1h')
    .option('--data-dir <dir>', "the engine's data directory", env['LOOM_DATA_DIR'] ?? './.loom')
    .action(async (flags: MintFlags) => {
      if (env['LOOM_JWT_PUBLIC_KEY']) {
        process.stderr.write(
          'loomctl: LOOM_JWT_PUBLIC_KEY is set: an engine using it does not accept tokens signed with the data directory key\n',
        );
      }
      print(await mintTokenWithDataDir(flags));
    });
  return token;
}
