import type { Command } from 'commander';
import type { CliContext } from '../cli/cli-context';
import { CliError } from '../cli/cli-error';
import { withConnectionOptions } from '../cli/common-options';
import { configPath, readConfig, updateConfig } from '../config/config-file';
import { withSession } from '../cli/session';
import { describeClaims, readTokenClaims } from './token-claims';

interface LoginFlags {
  readonly server?: string;
  readonly token?: string;
  readonly tokenStdin?: boolean;
  readonly verify: boolean;
}

/**
 * `loomctl login`: checks a token against the engine and saves it, with the server, in the config
 * file (mode 0600), for every later command. `loomctl logout` forgets the token.
 */
export function addLoginCommands(
  program: Command,
  context: CliContext,
  readStdin: () => Promise<string>,
): void {
  withConnectionOptions(
    program
      .command('login')
      .description(
        'save a token (and --server) in the config file, mode 0600, for the next commands; ' +
          'checks it against the engine first',
      ),
  )
    .option('--token-stdin', 'read the token from standard input (keeps it out of shell history)')
    .option('--no-verify', 'save without asking the engine whether it accepts the token')
    .action(async (flags: LoginFlags) => {
      const token = flags.tokenStdin ? (await readStdin()).trim() : flags.token;
      if (!token) {
        throw CliError.usage(
          'give the token with --token or --token-stdin, e.g. `loomctl token mint --role portal | loomctl login --token-stdin`',
        );
      }
      const claims = readTokenClaims(token);
      if (!claims) throw CliError.usage('that is not a JWT (three base64url parts)');
      if (flags.verify) await verify(context, { ...flags, token });
      const path = configPath(context.env);
      const saved = await updateConfig(path, (config) => ({
        ...config,
        ...(flags.server ? { server: flags.server } : {}),
        token,
      }));
      context.io.warn(
        `logged in to ${saved.server ?? context.env['LOOM_SERVER'] ?? 'localhost:50051'} as ` +
          `${describeClaims(claims)}; saved to ${path}`,
      );
    });
  program
    .command('logout')
    .description('remove the token from the config file')
    .action(async () => {
      const path = configPath(context.env);
      const config = await readConfig(path);
      if (config.token === undefined) return;
      await updateConfig(path, ({ server }) => (server === undefined ? {} : { server }));
      context.io.warn(`token removed from ${path}`);
    });
}

/**
 * One cheap call that every valid token may make or is refused by role, not by identity: the
 * token is good unless the engine answers UNAUTHENTICATED (or cannot be reached).
 */
async function verify(context: CliContext, flags: LoginFlags & { token: string }): Promise<void> {
  await withSession(context, flags, async ({ client, api }) => {
    try {
      await client.tenants.listTenants({ pageSize: 1, pageToken: '' });
    } catch (error) {
      if (api.grpcCodeOf(error) !== 7) throw error; // PERMISSION_DENIED: the token is valid
    }
  });
}
