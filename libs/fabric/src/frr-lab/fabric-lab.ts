import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FabricTopology } from '../topology/topology';
import {
  daemonRunning,
  frrDaemons,
  labPrerequisites,
  startFrr,
  stopFrr,
  vtyshJson,
} from './frr-daemons';
import {
  labLayoutVersion,
  labPrefix,
  planLab,
  readManifest,
  uplinkName,
  writeManifest,
  type LabDevice,
  type LabManifest,
} from './lab-layout';
import { inNamespace, ip, run, waitFor } from './run-command';
import type { VrfBackend } from './tenant-vrfs';

export interface LabDeviceStatus {
  readonly name: string;
  readonly namespace: string;
  readonly namespaceExists: boolean;
  readonly daemons: Readonly<Record<string, boolean>>;
  /** BGP sessions established, of those configured. */
  readonly establishedPeers: number;
  readonly peers: number;
}

export interface LabStatus {
  readonly labDir: string;
  /** Every namespace of the lab exists and every daemon runs. */
  readonly up: boolean;
  readonly devices: readonly LabDeviceStatus[];
  /** Every namespace whose name belongs to this lab (underlay, leaves, hosts). */
  readonly namespaces: readonly string[];
}

export interface LabUpOptions {
  /** How long BGP sessions may take to come up (default 20 s). */
  readonly bgpTimeoutMs?: number;
  /** How leaves keep tenant VRFs (default `namespace`: this kernel has no VRF device). */
  readonly vrfBackend?: VrfBackend;
}

async function namespacesWithPrefix(prefix: string): Promise<string[]> {
  const text = await ip(undefined, 'netns', 'list');
  return text
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(prefix));
}

interface BgpSummary {
  readonly ipv4Unicast?: { readonly peers?: Record<string, { readonly state?: string }> };
  readonly l2VpnEvpn?: { readonly peers?: Record<string, { readonly state?: string }> };
}

async function sessions(device: LabDevice): Promise<{ established: number; total: number }> {
  const summary = await vtyshJson<BgpSummary>(device, 'show bgp summary json');
  const peers = Object.values(summary.l2VpnEvpn?.peers ?? {});
  return {
    established: peers.filter((peer) => peer.state === 'Established').length,
    total: peers.length,
  };
}

async function buildDevice(manifest: LabManifest, device: LabDevice, index: number): Promise<void> {
  const ns = device.namespace;
  await ip(undefined, 'netns', 'add', ns);
  await ip(ns, 'link', 'set', 'lo', 'up');
  await ip(ns, 'addr', 'add', `${device.loopback}/32`, 'dev', 'lo');
  const bridgePort = `u${index + 1}`;
  await ip(
    ns,
    'link',
    'add',
    uplinkName,
    'type',
    'veth',
    'peer',
    'name',
    bridgePort,
    'netns',
    manifest.underlayNamespace,
  );
  await ip(manifest.underlayNamespace, 'link', 'set', bridgePort, 'master', 'br0', 'up');
  await ip(ns, 'addr', 'add', `${device.underlay}/24`, 'dev', uplinkName);
  await ip(ns, 'link', 'set', uplinkName, 'up');
  await inNamespace(ns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
}

/**
 * Builds the lab for `topology` in `labDir`: an underlay namespace with one bridge all leaf
 * uplinks plug into, one namespace per leaf with its loopback VTEP address, and zebra and bgpd in
 * each (eBGP full mesh over the underlay, l2vpn evpn with advertise-all-vni). Resolves when every
 * EVPN session is established. A lab already up is left as it is; a broken one is rebuilt.
 */
export async function fabricLabUp(
  topology: FabricTopology,
  labDir: string,
  options: LabUpOptions = {},
): Promise<LabManifest> {
  const missing = labPrerequisites();
  if (missing.length > 0) throw new Error(`cannot build an FRR lab: ${missing.join('; ')}`);
  const existing = readManifest(labDir);
  if (existing) {
    // A lab of an earlier layout (without VRF namespaces) is rebuilt.
    if (existing.version === labLayoutVersion && (await fabricLabStatus(labDir)).up)
      return existing;
    await fabricLabDown(labDir);
  }
  const manifest = planLab(topology, labDir, options.vrfBackend);
  mkdirSync(manifest.labDir, { recursive: true, mode: 0o755 });
  try {
    await run('runuser', ['-u', 'frr', '--', 'test', '-x', manifest.labDir]);
  } catch {
    throw new Error(
      `the frr user cannot enter ${manifest.labDir}: choose a lab directory it can reach`,
    );
  }
  writeManifest(manifest);
  try {
    await ip(undefined, 'netns', 'add', manifest.underlayNamespace);
    await ip(manifest.underlayNamespace, 'link', 'add', 'br0', 'type', 'bridge');
    await ip(manifest.underlayNamespace, 'link', 'set', 'br0', 'up');
    for (const [index, device] of manifest.devices.entries()) {
      await buildDevice(manifest, device, index);
    }
    for (const device of manifest.devices) await startFrr(manifest, device);
    const bgpTimeoutMs = options.bgpTimeoutMs ?? 20_000;
    for (const device of manifest.devices) {
      await waitFor(`BGP EVPN sessions of ${device.name}`, bgpTimeoutMs, async () => {
        const { established, total } = await sessions(device);
        return total === manifest.devices.length - 1 && established === total ? true : undefined;
      });
    }
  } catch (error) {
    await fabricLabDown(labDir);
    throw error;
  }
  return manifest;
}

/** Stops every daemon and deletes every namespace and file of the lab; a lab not there is fine. */
export async function fabricLabDown(labDir: string): Promise<void> {
  const manifest = readManifest(labDir);
  for (const device of manifest?.devices ?? []) await stopFrr(device);
  for (const ns of await namespacesWithPrefix(labPrefix(labDir))) {
    await ip(undefined, 'netns', 'delete', ns);
  }
  rmSync(resolve(labDir), { recursive: true, force: true });
}

export async function fabricLabStatus(labDir: string): Promise<LabStatus> {
  const manifest = readManifest(labDir);
  const namespaces = await namespacesWithPrefix(labPrefix(labDir));
  const devices: LabDeviceStatus[] = [];
  for (const device of manifest?.devices ?? []) {
    const daemons = Object.fromEntries(
      frrDaemons.map((daemon) => [daemon, daemonRunning(device, daemon)]),
    );
    const namespaceExists = namespaces.includes(device.namespace);
    const bgp =
      namespaceExists && daemons['bgpd']
        ? await sessions(device).catch(() => ({ established: 0, total: 0 }))
        : { established: 0, total: 0 };
    devices.push({
      name: device.name,
      namespace: device.namespace,
      namespaceExists,
      daemons,
      establishedPeers: bgp.established,
      peers: bgp.total,
    });
  }
  const up =
    manifest !== undefined &&
    namespaces.includes(manifest.underlayNamespace) &&
    devices.every(
      (device) => device.namespaceExists && Object.values(device.daemons).every(Boolean),
    );
  return { labDir: resolve(labDir), up, devices, namespaces };
}
