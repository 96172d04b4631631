import { Command, CommanderError } from 'commander';
import { auditCommand } from './audit/audit.command';
import type { CliContext } from './cli/cli-context';
import { CliError } from './cli/cli-error';
import { EXIT } from './cli/exit-codes';
import { addCompletionCommand } from './completion/completion.command';
import { externalNetworksCommand } from './external/external-networks.command';
import { externalGatewaysCommand, floatingIpsCommand } from './external/floating-ips.command';
import { serviceIpsCommand } from './service-ips/service-ips.command';
import { fabricCommand } from './fabric.command';
import { addLoginCommands } from './login/login.command';
import { operationsCommand } from './operations/operations.command';
import { qosPoliciesCommand } from './qos/qos-policies.command';
import { portsCommand } from './resources/ports.command';
import { subnetsCommand } from './resources/subnets.command';
import { tenantsCommand } from './resources/tenants.command';
import { vpcsCommand } from './resources/vpcs.command';
import { tokenCommand } from './token.command';
import { addWatchCommand } from './watch/watch.command';

/** The whole command tree, printing through `context.io`. */
export function buildProgram(context: CliContext, readStdin: () => Promise<string>): Command {
  const { env, io } = context;
  const program = new Command('loomctl')
    .description(
      'the command line of the Loom engine: every loom.v1 resource, operation and watch, tokens, ' +
        'and the fabric.\nExit status: 0 OK, 2 usage error, 10 + the gRPC status code when the ' +
        'engine refused (13 INVALID_ARGUMENT, 15 NOT_FOUND, 26 UNAUTHENTICATED...), 130 Ctrl-C.',
    )
    .addCommand(tenantsCommand(context))
    .addCommand(vpcsCommand(context))
    .addCommand(subnetsCommand(context))
    .addCommand(portsCommand(context))
    .addCommand(operationsCommand(context))
    .addCommand(externalNetworksCommand(context))
    .addCommand(externalGatewaysCommand(context))
    .addCommand(serviceIpsCommand(context))
    .addCommand(floatingIpsCommand(context))
    .addCommand(qosPoliciesCommand(context));
  addWatchCommand(program, context);
  addLoginCommands(program, context, readStdin);
  program.addCommand(
    tokenCommand(
      env,
      (line) => {
        io.print(line);
      },
      (line) => {
        io.warn(line);
      },
    ),
  );
  // The fabric commands name the engine --address (or LOOM_ADDRESS); LOOM_SERVER works there too.
  program.addCommand(
    fabricCommand({ ...env, LOOM_ADDRESS: env['LOOM_ADDRESS'] ?? env['LOOM_SERVER'] }, io),
  );
  program.addCommand(auditCommand(context));
  addCompletionCommand(program, (text) => {
    io.print(text.trimEnd());
  });
  configureEveryCommand(program, context);
  return program;
}

/**
 * Runs the command line: undefined when the command finished (its exit status is what it set),
 * else the exit status of what went wrong, whose message is already on stderr.
 */
export async function runProgram(
  program: Command,
  argv: readonly string[],
  context: CliContext,
): Promise<number | undefined> {
  try {
    await program.parseAsync([...argv]);
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed the message (or the help / version) already.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    context.io.warn(`loomctl: ${message}`);
    return error instanceof CliError ? error.exitCode : EXIT.failure;
  }
}

/** Settings commander does not pass on to commands added with addCommand: set on each. */
function configureEveryCommand(command: Command, context: CliContext): void {
  command
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => {
        context.io.print(text.replace(/\n$/, ''));
      },
      writeErr: (text) => {
        context.io.warn(text.replace(/\n$/, ''));
      },
    });
  for (const sub of command.commands) configureEveryCommand(sub, context);
}
