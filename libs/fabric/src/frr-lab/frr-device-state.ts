import {
  normalizeDeviceState,
  type AnnouncedPrefix,
  type DeviceState,
  type L2VniState,
  type VrfState,
} from '../state/fabric-state';
import { vtysh, vtyshJson } from './frr-daemons';
import { readGatewayState } from './gateway-state';
import { parseAccessAlias, parseUntaggedAlias } from './lab-hosts';
import type { LabDevice, LabManifest } from './lab-layout';
import { readServiceState } from './service-state';
import { readShapingState } from './shaping-state';
import { leafTenantVrfs, type TenantVrfs } from './tenant-vrfs';

/** What the bridge of an L2 VNI records in its alias that the kernel has no field for. */
export function bridgeAlias(vrf: string, vlan: number): string {
  return `loom vrf=${vrf} vlan=${vlan}`;
}

function parseBridgeAlias(alias: string | undefined): { vrf: string; vlan: number } | undefined {
  const match = /^loom vrf=(\S+) vlan=(\d+)$/.exec(alias ?? '');
  return match ? { vrf: match[1] ?? '', vlan: Number(match[2]) } : undefined;
}

interface IpLink {
  readonly ifname: string;
  readonly address?: string;
  readonly master?: string;
  readonly link?: string;
  readonly ifalias?: string;
  readonly linkinfo?: {
    readonly info_kind?: string;
    readonly info_data?: { readonly id?: number };
  };
}

interface IpAddr {
  readonly ifname: string;
  readonly addr_info?: readonly { family: string; local: string; prefixlen: number }[];
}

/** The BGP part of a VRF, from the running configuration (vtysh has no JSON for it). */
export interface VrfBgpConfig {
  rd: string;
  importRts: string[];
  exportRts: string[];
  advertise: boolean;
  networks: string[];
}

/** `router bgp ASN vrf NAME` blocks of the running configuration, by VRF name. */
export function parseVrfBgp(runningConfig: string): Map<string, VrfBgpConfig> {
  const result = new Map<string, VrfBgpConfig>();
  let current: VrfBgpConfig | undefined;
  let family = '';
  for (const raw of runningConfig.split('\n')) {
    const line = raw.trim();
    const start = /^router bgp \d+ vrf (\S+)$/.exec(line);
    if (start) {
      current = { rd: '', importRts: [], exportRts: [], advertise: false, networks: [] };
      result.set(start[1] ?? '', current);
      family = '';
      continue;
    }
    if (!current) continue;
    if (line === 'exit' && !raw.startsWith(' ')) {
      current = undefined;
      continue;
    }
    const af = /^address-family (.+)$/.exec(line);
    if (af) family = af[1] ?? '';
    else if (line === 'exit-address-family') family = '';
    else if (family === 'l2vpn evpn') {
      const rd = /^rd (\S+)$/.exec(line);
      const rt = /^route-target (import|export|both) (\S+)$/.exec(line);
      if (rd) current.rd = rd[1] ?? '';
      else if (rt) {
        if (rt[1] !== 'export') current.importRts.push(rt[2] ?? '');
        if (rt[1] !== 'import') current.exportRts.push(rt[2] ?? '');
      } else if (line === 'advertise ipv4 unicast') current.advertise = true;
    } else if (family === 'ipv4 unicast') {
      const network = /^network (\S+)$/.exec(line);
      if (network) current.networks.push(network[1] ?? '');
    }
  }
  return result;
}

/** The VRFs configured in FRR with an L3 VNI, and present in the kernel. */
async function readVrfs(
  device: LabDevice,
  inKernel: readonly string[],
): Promise<{ vrfs: VrfState[]; prefixes: AnnouncedPrefix[] }> {
  const { vrfs: vnis = [] } = await vtyshJson<{ vrfs?: { vrf: string; vni: number }[] }>(
    device,
    'show vrf vni json',
  );
  const bgp = parseVrfBgp(await vtysh(device, 'show running-config'));
  const vrfs: VrfState[] = [];
  const prefixes: AnnouncedPrefix[] = [];
  for (const { vrf, vni } of vnis) {
    if (!inKernel.includes(vrf)) continue;
    const config = bgp.get(vrf);
    vrfs.push({
      name: vrf,
      l3Vni: vni,
      rd: config?.rd ?? '',
      importRts: config?.importRts ?? [],
      exportRts: config?.exportRts ?? [],
      bgpEvpn: config?.advertise ?? false,
    });
    for (const prefix of config?.networks ?? []) prefixes.push({ vrf, prefix });
  }
  return { vrfs, prefixes };
}

async function ipJson<T>(vrfs: TenantVrfs, vrf: string, ...args: string[]): Promise<T[]> {
  const text = await vrfs.ip(vrf, '-j', ...args);
  return text.trim() === '' ? [] : (JSON.parse(text) as T[]);
}

/** The L2 VNIs in `vrf`'s overlay: VXLAN devices in bridges that Loom tagged. */
async function readL2Vnis(vrfs: TenantVrfs, vrf: string): Promise<L2VniState[]> {
  const links = await ipJson<IpLink>(vrfs, vrf, '-d', 'link', 'show');
  const addrs = await ipJson<IpAddr>(vrfs, vrf, 'addr', 'show');
  const l2Vnis: L2VniState[] = [];
  for (const vxlan of links) {
    if (vxlan.linkinfo?.info_kind !== 'vxlan' || vxlan.master === undefined) continue;
    const bridge = links.find((link) => link.ifname === vxlan.master);
    const tags = parseBridgeAlias(bridge?.ifalias);
    if (!bridge || !tags) continue;
    const gateway = addrs
      .find((entry) => entry.ifname === bridge.ifname)
      ?.addr_info?.find((info) => info.family === 'inet');
    // An access port counts where it is bridged now: moved to another bridge, it is in that VLAN.
    const ports = links.filter((link) => link.master === bridge.ifname);
    l2Vnis.push({
      l2Vni: vxlan.linkinfo.info_data?.id ?? 0,
      vrf: tags.vrf,
      vlan: tags.vlan,
      anycastGateway: gateway ? `${gateway.local}/${gateway.prefixlen}` : '',
      gatewayMac: bridge.address ?? '',
      interfaces: ports.flatMap((link) => parseAccessAlias(link.ifalias)?.iface ?? []),
      untaggedInterfaces: ports.flatMap((link) => parseUntaggedAlias(link.ifalias) ?? []),
    });
  }
  return l2Vnis;
}

/**
 * The leaf's actual tenant configuration, read back from FRR and the kernel: a VRF counts when
 * both have it, an L2 VNI when its VXLAN device sits in its bridge where its VRF lives.
 */
export async function readDeviceState(
  manifest: LabManifest,
  device: LabDevice,
): Promise<DeviceState> {
  const tenantVrfs = leafTenantVrfs(manifest, device);
  const inKernel = await tenantVrfs.list();
  const { vrfs, prefixes } = await readVrfs(device, inKernel);
  const l2Vnis = new Map<number, L2VniState>();
  for (const vrf of inKernel) {
    // With VRF devices every VRF's overlay is in the leaf's namespace: the same links each time.
    for (const l2 of await readL2Vnis(tenantVrfs, vrf)) l2Vnis.set(l2.l2Vni, l2);
  }
  const gateway = device.gateway
    ? { gateway: await readGatewayState(device, tenantVrfs, inKernel) }
    : {};
  const state = { vrfs, l2Vnis: [...l2Vnis.values()], prefixes, ...gateway };
  const shaping = await readShapingState(device, tenantVrfs, inKernel, state);
  const service = device.management
    ? { service: await readServiceState(device, tenantVrfs, inKernel, state) }
    : {};
  return normalizeDeviceState({ ...state, ...(shaping ? { shaping } : {}), ...service });
}
