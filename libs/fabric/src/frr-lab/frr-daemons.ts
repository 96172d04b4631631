import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { renderBfdConfig, renderFrrConfig } from './frr-config';
import type { LabDaemon, LabManifest, LabRouter } from './lab-layout';
import { inNamespace, run, sleep } from './run-command';

/** Every daemon a lab router may run (see LabRouter.daemons). */
export const frrDaemons: readonly LabDaemon[] = ['zebra', 'bfdd', 'bgpd'];
const frrBin = '/usr/lib/frr';
const nftBin = '/usr/sbin/nft';

function frrIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('frr:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error('there is no frr user');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Starts the router's daemons (zebra, bfdd where it has BFD, bgpd) in its network namespace and in a mount namespace of their own
 * whose `/run/netns` is an empty tmpfs: with the namespace VRF backend (`zebra -n`) zebra takes
 * every namespace there for a VRF, and there it finds only the VRFs made for this leaf (see
 * tenant-vrfs.ts). The mount namespace lives as long as the daemons do, so the leaf's VRF
 * namespaces go with them.
 */
async function startDaemons(
  device: LabRouter,
  configOf: (daemon: LabDaemon) => string,
  namespaceVrfs: boolean,
): Promise<void> {
  const dir = device.frrDir;
  const common = ['-d', '-N', device.name, '-z', join(dir, 'zserv.api'), '--vty_socket', dir];
  const tail = (daemon: LabDaemon) => ['-f', configOf(daemon), '-u', 'frr', '-g', 'frr'];
  const daemons = device.daemons.map((daemon) => [
    join(frrBin, daemon),
    ...(daemon === 'zebra' && namespaceVrfs ? ['-n'] : []),
    // bfdd's control socket in the router's directory, not the system's.
    ...(daemon === 'bfdd' ? ['--bfdctl', join(dir, 'bfdd.sock')] : []),
    ...common,
    '-i',
    join(dir, `${daemon}.pid`),
    ...tail(daemon),
  ]);
  if (!namespaceVrfs) {
    for (const [file, ...args] of daemons) await inNamespace(device.namespace, file ?? '', ...args);
    return;
  }
  const commands = daemons.map((command) => command.map(shellQuote).join(' '));
  await inNamespace(
    device.namespace,
    'unshare',
    '--mount',
    '--propagation',
    'private',
    '--',
    'sh',
    '-c',
    ['mount -t tmpfs -o mode=0755 loom-vrfs /run/netns', ...commands].join(' && '),
  );
}

/** Quotes `value` for sh. */
function shellQuote(value: string): string {
  return /^[\w./=:-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Writes the router's directory (owned by frr:frr) and starts its daemons. */
export async function startFrr(manifest: LabManifest, device: LabRouter): Promise<void> {
  const dir = device.frrDir;
  const { uid, gid } = frrIds();
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chownSync(dir, uid, gid);
  const write = (file: string, text: string) => {
    writeFileSync(join(dir, file), text, { mode: 0o644 });
    chownSync(join(dir, file), uid, gid);
    return join(dir, file);
  };
  const config = write('frr.conf', renderFrrConfig(device));
  const bfdConfig = device.daemons.includes('bfdd')
    ? write('bfdd.conf', renderBfdConfig(device))
    : config;
  // Spines hold no tenant VRFs.
  const namespaceVrfs = device.role === 'leaf' && manifest.vrfBackend === 'namespace';
  await startDaemons(device, (daemon) => (daemon === 'bfdd' ? bfdConfig : config), namespaceVrfs);
}

export function pidOf(device: LabRouter, daemon: string): number | undefined {
  const file = join(device.frrDir, `${daemon}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

/** Whether `pid` is this leaf's daemon: alive and started with `-N <leaf>`. */
function isDaemon(pid: number, device: LabRouter, daemon: string): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const nameAt = args.indexOf('-N');
    return (args[0] ?? '').endsWith(daemon) && args[nameAt + 1] === device.name;
  } catch {
    return false;
  }
}

export function daemonRunning(device: LabRouter, daemon: string): boolean {
  const pid = pidOf(device, daemon);
  return pid !== undefined && isDaemon(pid, device, daemon);
}

/** Stops the leaf's daemons by their pid files (TERM, then KILL after 5 s) and removes its dir. */
export async function stopFrr(device: LabRouter): Promise<void> {
  for (const daemon of [...device.daemons].reverse()) {
    const pid = pidOf(device, daemon);
    if (pid === undefined || !isDaemon(pid, device, daemon)) continue;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 5_000;
    while (isDaemon(pid, device, daemon) && Date.now() < deadline) await sleep(50);
    if (isDaemon(pid, device, daemon)) process.kill(pid, 'SIGKILL');
    while (isDaemon(pid, device, daemon)) await sleep(20);
  }
  rmSync(device.frrDir, { recursive: true, force: true });
  removeRunDir(device.name);
}

/** Whether any FRR daemon started with `-N name` runs (this lab's or another's of that name). */
function anyDaemonNamed(name: string): boolean {
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if ((args[0] ?? '').startsWith(`${frrBin}/`) && args[args.indexOf('-N') + 1] === name) {
        return true;
      }
    } catch {
      // gone meanwhile
    }
  }
  return false;
}

/**
 * `-N name` makes FRR create `/var/run/frr/<name>`; the lab passes every path of its own, so the
 * directory stays empty. It goes with the last daemon of that name (rmdir: only when empty).
 */
function removeRunDir(name: string): void {
  if (anyDaemonNamed(name)) return;
  try {
    rmdirSync(join('/var/run/frr', name));
  } catch {
    // absent, or not empty: not the lab's to remove
  }
}

/** vtysh against this leaf's daemons. */
export function vtysh(device: LabRouter, ...commands: string[]): Promise<string> {
  return inNamespace(
    device.namespace,
    'vtysh',
    '--vty_socket',
    device.frrDir,
    ...commands.flatMap((command) => ['-c', command]),
  );
}

/** Configuration lines in one vtysh call; vtysh exits non-zero when a line is refused. */
export async function configure(device: LabRouter, lines: readonly string[]): Promise<void> {
  const output = await vtysh(device, 'configure terminal', ...lines);
  if (/^%/m.test(output)) {
    throw new Error(`vtysh refused the configuration on ${device.name}: ${output.trim()}`);
  }
}

export async function vtyshJson<T>(device: LabRouter, command: string): Promise<T> {
  return JSON.parse(await vtysh(device, command)) as T;
}

/** Whether this machine can run a lab: root, and FRR's zebra, bfdd and bgpd installed. */
export function labPrerequisites(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('not running as root');
  for (const daemon of frrDaemons) {
    if (!existsSync(join(frrBin, daemon))) missing.push(`${join(frrBin, daemon)} is missing`);
  }
  return missing;
}

/** What a lab with gateway nodes needs beyond labPrerequisites: nftables (NAT). */
export function gatewayLabPrerequisites(): string[] {
  return [
    ...labPrerequisites(),
    ...(existsSync(nftBin) ? [] : [`${nftBin} is missing (Debian package nftables)`]),
  ];
}

export async function frrVersion(): Promise<string> {
  return (await run('vtysh', ['--version'])).split('\n')[0] ?? '';
}
