import { join, resolve } from 'node:path';
import { Command } from 'commander';
import {
  defaultTopology,
  fabricLabDown,
  fabricLabStatus,
  fabricLabUp,
  loadTopologyFile,
} from '@loom/fabric';
import type { FabricCommandIo } from './fabric-command-io';

interface LabFlags {
  readonly labDir?: string;
  readonly topology?: string;
}

/** The engine's own default: LOOM_FABRIC_LAB_DIR, else `<LOOM_DATA_DIR>/lab`. */
function labDir(flags: LabFlags, env: NodeJS.ProcessEnv): string {
  return resolve(
    flags.labDir ?? env['LOOM_FABRIC_LAB_DIR'] ?? join(env['LOOM_DATA_DIR'] ?? './.loom', 'lab'),
  );
}

function withLabDir(command: Command): Command {
  return command.option(
    '--lab-dir <dir>',
    'the lab directory (default: LOOM_FABRIC_LAB_DIR, else <LOOM_DATA_DIR>/lab)',
  );
}

/** `loomctl fabric lab up|down|status`: the FRRouting lab LOOM_FABRIC=frr-lab drives (root only). */
export function fabricLabCommand(env: NodeJS.ProcessEnv, io: FabricCommandIo): Command {
  const lab = new Command('lab').description(
    'the FRRouting lab in network namespaces that LOOM_FABRIC=frr-lab drives (needs root and frr)',
  );
  withLabDir(
    lab
      .command('up')
      .description('build the lab (a lab already up is left alone)')
      .option(
        '--topology <file>',
        'a JSON topology file (default: LOOM_FABRIC_TOPOLOGY, else the default topology)',
      ),
  ).action(async (flags: LabFlags) => {
    const file = flags.topology ?? env['LOOM_FABRIC_TOPOLOGY'];
    const topology = file ? await loadTopologyFile(file) : defaultTopology;
    const manifest = await fabricLabUp(topology, labDir(flags, env));
    const names = (routers: readonly { name: string }[]) => routers.map((r) => r.name).join(', ');
    io.print(
      `lab up in ${manifest.labDir}: spines ${names(manifest.spines)}; leaves ${names(manifest.devices)}`,
    );
    const host = manifest.externalHost;
    if (manifest.upstream && host) {
      const gateways = manifest.devices.filter((device) => device.gateway);
      io.print(
        `upstream router (AS ${manifest.upstream.asn}) peering with gateway nodes ${names(gateways)}; external host ${host.address} in namespace ${host.namespace}`,
      );
    }
  });
  withLabDir(
    lab.command('down').description('stop its daemons, delete its namespaces and its directory'),
  ).action(async (flags: LabFlags) => {
    await fabricLabDown(labDir(flags, env));
    io.print('lab down');
  });
  withLabDir(
    lab.command('status').description('namespaces, daemons and BGP sessions; exits 3 when not up'),
  ).action(async (flags: LabFlags) => {
    const status = await fabricLabStatus(labDir(flags, env));
    io.print(JSON.stringify(status, null, 2));
    if (!status.up) io.setExitCode(3);
  });
  return lab;
}
