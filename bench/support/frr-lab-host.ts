import './loom-aliases';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  fabricLabDown,
  fabricLabUp,
  labHostNamespace,
  labPrerequisites,
  readLabManifest,
  type LabManifest,
} from '../../libs/fabric/src/frr-lab';
import { loadTopologyFile } from '../../libs/fabric/src/topology/topology-loader';

/**
 * The FRR lab of the bench, seen from the host: built and removed (also at exit, synchronously),
 * and its VMs (the namespaces the lab makes behind a leaf interface when a port is bound there),
 * which the bench gives their address and pings from, as a VM's DHCP client and user would.
 * Everything runs inside the lab's namespaces: nothing is added to the host's own.
 */

/** What this machine lacks to run the lab: root, FRR's daemons, ping. */
export function frrLabMissing(): string[] {
  const ping = existsSync('/usr/bin/ping') || existsSync('/bin/ping');
  return [...labPrerequisites(), ...(ping ? [] : ['ping (iputils-ping) is missing'])];
}

export { labHostNamespace, type LabManifest };

const commandTimeoutMs = 10_000;

function run(file: string, args: readonly string[], timeoutMs = commandTimeoutMs): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** `ip` in a lab namespace. */
export function labIp(namespace: string, ...args: string[]): Promise<string> {
  return run('ip', ['-n', namespace, ...args]);
}

/** The VM's NIC on its port's VLAN (`v{vlan}`), once the bind step has made it; else undefined. */
export async function vmNic(namespace: string): Promise<string | undefined> {
  const text = await labIp(namespace, '-j', 'link', 'show').catch(() => '');
  const links = JSON.parse(text.trim() || '[]') as { ifname: string }[];
  return links.map((link) => link.ifname).find((name) => /^v\d+$/.test(name));
}

/**
 * Waits (at most `timeoutMs`) for the VM's NIC to appear, then gives it its address: what the VM's
 * DHCP client would do once its NIC is plugged. Answers the NIC. Until the bind step makes the VM's
 * namespace, a stat of its /run/netns file every 10 ms (no process: the bench's own polling must
 * not take the CPU the engine is measured on); then `ip link` every `everyMs`.
 */
export async function plugVm(
  namespace: string,
  address: string,
  timeoutMs: number,
  role: 'pinger' | 'pinged',
  everyMs = 20,
): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (!existsSync(`/run/netns/${namespace}`)) {
      if (performance.now() > deadline) throw new Error(`no VM namespace ${namespace}`);
      await sleep(10);
      continue;
    }
    const nic = await vmNic(namespace);
    if (nic !== undefined) {
      await labIp(namespace, 'addr', 'add', address, 'dev', nic);
      // A VM that pings probes ARP every 50 ms, not every second, so that the first answer is not
      // held back by the probe timer; and for 20 s before giving up, so that ping waits (its
      // requests queued behind the resolution) instead of ending on "Destination Host Unreachable".
      const settings = role === 'pinger' ? ['retrans_time_ms=50', 'mcast_solicit=400'] : [];
      for (const setting of settings) {
        await run('ip', [
          'netns',
          'exec',
          namespace,
          'sysctl',
          '-q',
          '-w',
          `net.ipv4.neigh.${nic}.${setting}`,
        ]);
      }
      return nic;
    }
    if (performance.now() > deadline)
      throw new Error(`no VM NIC in ${namespace} after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/**
 * Pings `target` from the VM `from` every `intervalMs` until the first reply (ping -c 1 -w):
 * resolves with the time the reply came (performance.now() when ping exits), or undefined when
 * none came within `deadlineSeconds`.
 */
export function firstReply(
  from: string,
  target: string,
  deadlineSeconds: number,
  intervalMs = 50,
): Promise<number | undefined> {
  return new Promise((resolve) => {
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        from,
        'ping',
        '-n',
        '-q',
        '-c',
        '1',
        '-w',
        String(deadlineSeconds),
        '-i',
        String(intervalMs / 1_000),
        target,
      ],
      { stdio: 'ignore' },
    );
    // Killed after the deadline and a margin, should ping itself not stop.
    const guard = setTimeout(() => child.kill('SIGKILL'), (deadlineSeconds + 5) * 1_000);
    child.once('exit', (code) => {
      clearTimeout(guard);
      resolve(code === 0 ? performance.now() : undefined);
    });
    child.once('error', () => {
      clearTimeout(guard);
      resolve(undefined);
    });
  });
}

/** The lab of the topology file (as the engine reads it) in `labDir`, its build timed. */
export async function buildLab(
  topologyFile: string,
  labDir: string,
): Promise<{ manifest: LabManifest; seconds: number }> {
  const started = performance.now();
  const topology = await loadTopologyFile(topologyFile);
  const manifest = await fabricLabUp(topology, labDir, { bgpTimeoutMs: 60_000 });
  return { manifest, seconds: (performance.now() - started) / 1_000 };
}

/** Stops the lab's daemons, deletes its namespaces (VMs included) and its directory. */
export async function removeLab(labDir: string): Promise<void> {
  await fabricLabDown(labDir);
}

/**
 * The same, synchronously, for process 'exit' (Ctrl-C, a crash): the engine `enginePids` first
 * (SIGTERM, waited for up to 20 s: it stops its PostgreSQL; then SIGKILL), so that it starts no
 * device operation meanwhile; then every daemon of the lab by its pid file, every namespace of
 * the lab, and the lab's directory.
 */
export function removeLabNow(labDir: string, enginePids: readonly number[]): void {
  for (const pid of enginePids) stopProcessNow(pid, 20_000);
  const manifest = readLabManifest(labDir);
  if (manifest !== undefined) {
    for (const router of [
      ...manifest.spines,
      ...manifest.devices,
      ...(manifest.upstream ? [manifest.upstream] : []),
    ]) {
      for (const daemon of [...router.daemons].reverse()) {
        const pid = pidFile(`${router.frrDir}/${daemon}.pid`);
        if (pid !== undefined && isFrrDaemon(pid, router.name)) stopProcessNow(pid, 5_000);
      }
    }
    const listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    for (const line of listed.split('\n')) {
      const name = line.split(' ')[0] ?? '';
      if (name.startsWith(manifest.prefix)) {
        try {
          execFileSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
        } catch {
          // gone meanwhile
        }
      }
    }
  }
  rmSync(labDir, { recursive: true, force: true });
}

function pidFile(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is an FRR daemon started with `-N name` (the lab names each router's daemons). */
function isFrrDaemon(pid: number, name: string): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return (args[0] ?? '').startsWith('/usr/lib/frr/') && args[args.indexOf('-N') + 1] === name;
  } catch {
    return false;
  }
}

/** Running: signalable and not a zombie (an exited child nobody has waited for yet). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** SIGTERM, a bounded wait (sleeping 100 ms at a time, synchronously), then SIGKILL. */
function stopProcessNow(pid: number, waitMs: number): void {
  if (!alive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let waited = 0; waited < waitMs && alive(pid); waited += 100) {
    execFileSync('sleep', ['0.1']);
  }
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * CPU seconds (user + system) used so far by the lab's FRR daemons (zebra, bgpd, bfdd of every
 * router): they run detached, not under the engine, so sampleTreeCpu of the engine leaves them out.
 */
export function labDaemonCpuSeconds(manifest: LabManifest): number {
  let total = 0;
  for (const router of [...manifest.spines, ...manifest.devices]) {
    for (const daemon of router.daemons) {
      const pid = pidFile(`${router.frrDir}/${daemon}.pid`);
      if (pid === undefined || !isFrrDaemon(pid, router.name)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        total += (Number(fields[11]) + Number(fields[12])) / 100;
      } catch {
        // gone meanwhile
      }
    }
  }
  return total;
}
