import { Command } from 'commander';
import { fabricLabCommand } from './fabric-lab.command';
import type * as FabricClientModule from './fabric-client';
import type { FabricClient } from './fabric-client';
import type { FabricCommandIo } from './fabric-command-io';
import { driftExitCode, formatFabricDrift } from './fabric-drift-table';
import { mintTokenWithDataDir } from './token-mint';

interface ConnectionFlags {
  readonly address: string;
  readonly token?: string;
  readonly dataDir: string;
  readonly json?: boolean;
}

interface RepairFlags extends ConnectionFlags {
  readonly reason: string;
  readonly device?: string[];
}

/**
 * The token given, or one minted with the data directory's key: role ops, which may read the
 * drift and repair it, and nothing else. Short-lived: it is used for one call.
 */
async function tokenFor(flags: ConnectionFlags, env: NodeJS.ProcessEnv, io: FabricCommandIo) {
  const given = flags.token ?? env['LOOM_TOKEN'];
  if (given) return given;
  if (env['LOOM_JWT_PUBLIC_KEY']) {
    io.warn(
      'loomctl: LOOM_JWT_PUBLIC_KEY is set: an engine using it does not accept tokens signed with the data directory key; pass --token',
    );
  }
  return mintTokenWithDataDir({
    role: 'ops',
    subject: 'loomctl',
    ttl: '5m',
    dataDir: flags.dataDir,
  });
}

/**
 * fabric-client.ts on first use: it loads @loom/api-contract, whose index also loads NestJS and
 * rxjs, which commands that never call the engine (`--help`, `fabric lab`) do not need.
 */
function loadFabricClient(): typeof FabricClientModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./fabric-client') as typeof FabricClientModule;
}

async function withClient<T>(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  io: FabricCommandIo,
  work: (client: FabricClient) => Promise<T>,
): Promise<T> {
  const client = loadFabricClient().createFabricClient(
    flags.address,
    await tokenFor(flags, env, io),
  );
  try {
    return await work(client);
  } finally {
    client.close();
  }
}

function connectionOptions(command: Command, env: NodeJS.ProcessEnv): Command {
  return command
    .option(
      '--address <host:port>',
      "the engine's gRPC address",
      env['LOOM_ADDRESS'] ?? 'localhost:50051',
    )
    .option(
      '--token <jwt>',
      'an access token (default: $LOOM_TOKEN, else one minted from --data-dir)',
    )
    .option(
      '--data-dir <dir>',
      "the engine's data directory, whose key mints the token",
      env['LOOM_DATA_DIR'] ?? './.loom',
    )
    .option('--json', 'print the API response as JSON');
}

/** `loomctl fabric drift|repair`: intended configuration against the devices', and its repair. */
export function fabricCommand(env: NodeJS.ProcessEnv, io: FabricCommandIo): Command {
  const fabric = new Command('fabric').description(
    "compare the fabric's devices with Loom's intent, and repair the drift",
  );
  connectionOptions(
    fabric
      .command('drift')
      .description(
        'list where the devices differ from the intent; exits 0 when in sync, 3 with drift, ' +
          '4 when no drift was seen but a device could not be read',
      ),
    env,
  ).action(async (flags: ConnectionFlags) => {
    const drift = await withClient(flags, env, io, (client) => client.getFabricDrift());
    const lines = flags.json ? [JSON.stringify(drift, null, 2)] : formatFabricDrift(drift);
    for (const line of lines) io.print(line);
    io.setExitCode(driftExitCode(drift));
  });
  connectionOptions(
    fabric
      .command('repair')
      .description(
        'start one repair saga per device with drift and print their ids; each converges its ' +
          'device to the intent in the background (check with `loomctl fabric drift`). The ' +
          'repair is recorded with you as actor and the reason, for the audit trail',
      )
      .requiredOption('--reason <text>', 'why you repair (required; recorded with the repair)')
      .option('--device <name...>', 'only these devices (default: every device with drift)'),
    env,
  ).action(async (flags: RepairFlags) => {
    const repair = await withClient(flags, env, io, (client) =>
      client.repairFabricDrift({ reason: flags.reason, devices: flags.device ?? [] }),
    );
    if (flags.json) io.print(JSON.stringify(repair, null, 2));
    else {
      io.warn(
        `repair ${repair.repairId} recorded (loomctl audit trace --correlation-id ${repair.repairId})`,
      );
      for (const sagaId of repair.sagaIds) io.print(sagaId);
      if (repair.sagaIds.length === 0) io.warn('no drift: nothing to repair');
      for (const device of repair.unreachableDevices) {
        io.warn(`${device}: unreachable, not repaired`);
      }
    }
  });
  fabric.addCommand(fabricLabCommand(env, io));
  return fabric;
}
