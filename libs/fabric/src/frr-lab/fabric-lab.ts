import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FabricTopology } from '../topology/topology';
import {
  daemonRunning,
  gatewayLabPrerequisites,
  labPrerequisites,
  startFrr,
  stopFrr,
  vtyshJson,
} from './frr-daemons';
import { addEdge } from './lab-edge-build';
import { addManagement } from './lab-management';
import {
  labLayoutVersion,
  labPrefix,
  planLab,
  readManifest,
  writeManifest,
  type LabDevice,
  type LabManifest,
  type LabRouter,
  type VrfBackend,
} from './lab-layout';
import { inNamespace, ip, run, waitFor } from './run-command';

export interface LabDeviceStatus {
  readonly name: string;
  readonly role: 'spine' | 'leaf' | 'upstream';
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
  /** Every namespace whose name belongs to this lab (spines, leaves, VMs). */
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

/**
 * The router's BGP sessions, established and configured: EVPN ones for leaves and spines, and a
 * gateway node's upstream session; IPv4 ones for the upstream.
 */
async function sessions(router: LabRouter): Promise<{ established: number; total: number }> {
  const summary = await vtyshJson<BgpSummary>(router, 'show bgp summary json');
  const ipv4 = summary.ipv4Unicast?.peers ?? {};
  const uplink = (router as LabDevice).gateway?.uplink.peerAddress;
  const peers =
    router.role === 'upstream'
      ? Object.values(ipv4)
      : [
          ...Object.values(summary.l2VpnEvpn?.peers ?? {}),
          ...(uplink === undefined ? [] : [ipv4[uplink] ?? {}]),
        ];
  return {
    established: peers.filter((peer) => peer.state === 'Established').length,
    total: peers.length,
  };
}

/** The sessions a router has once the lab is up. */
function expectedSessions(router: LabRouter): number {
  return router.links.length + ((router as LabDevice).gateway ? 1 : 0);
}

/** The router's namespace with its loopback, forwarding on (and no reverse-path filter). */
async function addRouter(router: LabRouter): Promise<void> {
  const ns = router.namespace;
  await ip(undefined, 'netns', 'add', ns);
  await ip(ns, 'link', 'set', 'lo', 'up');
  await ip(ns, 'addr', 'add', `${router.loopback}/32`, 'dev', 'lo');
  await inNamespace(ns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
  // During a failover traffic is briefly asymmetric.
  for (const scope of ['all', 'default']) {
    await inNamespace(ns, 'sysctl', '-q', '-w', `net.ipv4.conf.${scope}.rp_filter=0`);
  }
}

/** A veth between a leaf and a spine, each end with its /31. */
async function addLink(leaf: LabRouter, spine: LabRouter): Promise<void> {
  const leafEnd = leaf.links.find((link) => link.peerName === spine.name);
  const spineEnd = spine.links.find((link) => link.peerName === leaf.name);
  if (!leafEnd || !spineEnd)
    throw new Error(`no link planned between ${leaf.name} and ${spine.name}`);
  await ip(
    leaf.namespace,
    'link',
    'add',
    leafEnd.name,
    'type',
    'veth',
    'peer',
    'name',
    spineEnd.name,
    'netns',
    spine.namespace,
  );
  await ip(leaf.namespace, 'addr', 'add', leafEnd.address, 'dev', leafEnd.name);
  await ip(spine.namespace, 'addr', 'add', spineEnd.address, 'dev', spineEnd.name);
  await ip(leaf.namespace, 'link', 'set', leafEnd.name, 'up');
  await ip(spine.namespace, 'link', 'set', spineEnd.name, 'up');
}

const routersOf = (manifest: LabManifest): LabRouter[] => [
  ...manifest.spines,
  ...manifest.devices,
  ...(manifest.upstream ? [manifest.upstream] : []),
];

/**
 * Builds the lab for `topology` in `labDir`: one namespace per spine and per leaf with its
 * loopback, a point-to-point link from every leaf to every spine, and zebra and bgpd in each
 * (eBGP on every link: IPv4 for the loopbacks, l2vpn evpn; advertise-all-vni on the leaves).
 * With gateway nodes (role `gateway`, leaves of the fabric too) also an upstream router linked
 * to each of them (eBGP), an external host behind it, and bfdd with BFD on the gateway nodes'
 * sessions (see lab-edge.ts). Resolves when every session is established. A lab already up is left as it is; a broken one is rebuilt.
 */
export async function fabricLabUp(
  topology: FabricTopology,
  labDir: string,
  options: LabUpOptions = {},
): Promise<LabManifest> {
  // Gateway nodes and border leaves (service IPs) translate addresses with nftables.
  const withNat = topology.devices.some(
    (device) => device.role === 'gateway' || device.role === 'border-leaf',
  );
  const missing = withNat ? gatewayLabPrerequisites() : labPrerequisites();
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
    for (const router of routersOf(manifest)) await addRouter(router);
    for (const leaf of manifest.devices) {
      for (const spine of manifest.spines) await addLink(leaf, spine);
    }
    await addEdge(manifest);
    await addManagement(manifest);
    for (const router of routersOf(manifest)) await startFrr(manifest, router);
    const bgpTimeoutMs = options.bgpTimeoutMs ?? 20_000;
    for (const router of routersOf(manifest)) {
      await waitFor(`BGP sessions of ${router.name}`, bgpTimeoutMs, async () => {
        const { established, total } = await sessions(router);
        return total === expectedSessions(router) && established === total ? true : undefined;
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
  for (const router of manifest ? routersOf(manifest) : []) await stopFrr(router);
  for (const ns of await namespacesWithPrefix(labPrefix(labDir))) {
    await ip(undefined, 'netns', 'delete', ns);
  }
  rmSync(resolve(labDir), { recursive: true, force: true });
}

export async function fabricLabStatus(labDir: string): Promise<LabStatus> {
  const manifest = readManifest(labDir);
  const namespaces = await namespacesWithPrefix(labPrefix(labDir));
  const devices: LabDeviceStatus[] = [];
  for (const device of manifest ? routersOf(manifest) : []) {
    const daemons = Object.fromEntries(
      device.daemons.map((daemon) => [daemon, daemonRunning(device, daemon)]),
    );
    const namespaceExists = namespaces.includes(device.namespace);
    const bgp =
      namespaceExists && daemons['bgpd']
        ? await sessions(device).catch(() => ({ established: 0, total: 0 }))
        : { established: 0, total: 0 };
    devices.push({
      name: device.name,
      role: device.role,
      namespace: device.namespace,
      namespaceExists,
      daemons,
      establishedPeers: bgp.established,
      peers: bgp.total,
    });
  }
  const up =
    manifest !== undefined &&
    devices.every(
      (device) => device.namespaceExists && Object.values(device.daemons).every(Boolean),
    );
  return { labDir: resolve(labDir), up, devices, namespaces };
}
