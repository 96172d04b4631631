import { pidOf } from './frr-daemons';
import type { LabDevice, LabManifest, VrfBackend } from './lab-layout';
import { run } from './run-command';

/** Runs `ip` with `args` in a given place and resolves with its stdout. */
export type IpRunner = (args: readonly string[]) => Promise<string>;

/** A leaf's tenant VRFs, kept in the kernel the way its manifest says (see VrfBackend). */
export interface TenantVrfs {
  readonly backend: VrfBackend;
  /** `ip` where `vrf`'s overlay lives. */
  ip(vrf: string, ...args: string[]): Promise<string>;
  /** `ip` in the leaf's own namespace (the underlay, where VXLAN devices are made). */
  leafIp(...args: string[]): Promise<string>;
  /** Makes the kernel side of `vrf` (nothing else in it yet). */
  create(vrf: string, table: number): Promise<void>;
  /** Removes the kernel side of `vrf` and everything still in it. */
  remove(vrf: string): Promise<void>;
  /** The VRFs that exist in the kernel. */
  list(): Promise<string[]>;
  /** Moves `link`, made in the leaf's namespace, to where `vrf`'s overlay lives. */
  adopt(vrf: string, link: string): Promise<void>;
  /** Makes `bridge` (already where `vrf` lives) route in `vrf`. */
  attachBridge(vrf: string, bridge: string): Promise<void>;
  /** Runs `command` where `vrf` lives (nftables for a gateway node's NAT); namespace VRFs only. */
  exec(vrf: string, command: string, ...args: string[]): Promise<string>;
}

/**
 * VRFs as network namespaces, managed from inside the daemons' mount namespace: `inDaemons` runs
 * `ip` there (and in the leaf's network namespace), where `ip netns` sees only the leaf's VRFs.
 */
export function namespaceVrfs(inDaemons: IpRunner): TenantVrfs {
  return {
    backend: 'namespace',
    ip: (vrf, ...args) => inDaemons(['-n', vrf, ...args]),
    leafIp: (...args) => inDaemons(args),
    async create(vrf) {
      await inDaemons(['netns', 'add', vrf]);
      await inDaemons(['-n', vrf, 'link', 'set', 'lo', 'up']);
      await inDaemons(['netns', 'exec', vrf, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    },
    async remove(vrf) {
      // Deleting the namespace deletes its devices; veth peers in VM namespaces go with them.
      await inDaemons(['netns', 'delete', vrf]);
    },
    async list() {
      const text = await inDaemons(['netns', 'list']);
      return text
        .split('\n')
        .map((line) => line.split(' ')[0] ?? '')
        .filter((name) => name !== '');
    },
    async adopt(vrf, link) {
      await inDaemons(['link', 'set', link, 'netns', vrf]);
    },
    async attachBridge() {
      // The namespace is the VRF: whatever is in it routes in it.
    },
    exec: (vrf, command, ...args) => inDaemons(['netns', 'exec', vrf, command, ...args]),
  };
}

/** VRFs as Linux VRF devices in the leaf's namespace. */
export function kernelVrfs(inLeaf: IpRunner): TenantVrfs {
  return {
    backend: 'kernel',
    ip: (_vrf, ...args) => inLeaf(args),
    leafIp: (...args) => inLeaf(args),
    async create(vrf, table) {
      await inLeaf(['link', 'add', vrf, 'type', 'vrf', 'table', String(table)]);
      await inLeaf(['link', 'set', vrf, 'up']);
    },
    async remove(vrf) {
      await inLeaf(['link', 'delete', vrf]);
    },
    async list() {
      const links = JSON.parse((await inLeaf(['-j', 'link', 'show', 'type', 'vrf'])) || '[]') as {
        ifname: string;
      }[];
      return links.map((link) => link.ifname);
    },
    async adopt() {
      // Everything stays in the leaf's namespace.
    },
    async attachBridge(vrf, bridge) {
      await inLeaf(['link', 'set', bridge, 'master', vrf]);
    },
    exec() {
      // NAT per VRF would need conntrack zones per VRF device: not built, this kernel has none.
      return Promise.reject(new Error('gateway nodes need the namespace VRF backend'));
    },
  };
}

/** The tenant VRFs of a lab leaf, as its manifest says they are kept. */
export function leafTenantVrfs(manifest: LabManifest, device: LabDevice): TenantVrfs {
  if (manifest.vrfBackend === 'kernel') {
    return kernelVrfs((args) => run('ip', ['-n', device.namespace, ...args]));
  }
  return namespaceVrfs((args) => {
    const zebra = pidOf(device, 'zebra');
    if (zebra === undefined) throw new Error(`zebra of ${device.name} is not running`);
    // The leaf's network namespace by its name, not zebra's: zebra's main thread steps into a VRF's
    // namespace now and then (seen in 1 of about 3,000 samples while ports were bound), and `ip`
    // then ran there ("Cannot find device" for a link just made in the leaf's). nsenter opens the
    // file before it enters zebra's mount namespace, so the host's /run/netns is where it looks.
    return run('nsenter', [
      '--target',
      String(zebra),
      '--mount',
      `--net=/run/netns/${device.namespace}`,
      '--',
      'ip',
      ...args,
    ]);
  });
}
