import {
  normalizeDeviceState,
  type AnnouncedPrefix,
  type DeviceState,
  type L2VniState,
  type VrfState,
} from '../state/fabric-state';
import { vtysh, vtyshJson } from './frr-daemons';
import { parseAccessAlias } from './lab-hosts';
import type { LabDevice } from './lab-layout';
import { ipJson } from './run-command';

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

async function readVrfs(
  device: LabDevice,
): Promise<{ vrfs: VrfState[]; prefixes: AnnouncedPrefix[] }> {
  const { vrfs: vnis = [] } = await vtyshJson<{ vrfs?: { vrf: string; vni: number }[] }>(
    device,
    'show vrf vni json',
  );
  const bgp = parseVrfBgp(await vtysh(device, 'show running-config'));
  const vrfs: VrfState[] = [];
  const prefixes: AnnouncedPrefix[] = [];
  for (const { vrf, vni } of vnis) {
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

async function readL2Vnis(device: LabDevice): Promise<L2VniState[]> {
  const links = await ipJson<IpLink>(device.namespace, '-d', 'link', 'show');
  const addrs = await ipJson<IpAddr>(device.namespace, 'addr', 'show');
  const l2Vnis: L2VniState[] = [];
  for (const vxlan of links) {
    if (vxlan.linkinfo?.info_kind !== 'vxlan' || vxlan.master === undefined) continue;
    const bridge = links.find((link) => link.ifname === vxlan.master);
    const tags = parseBridgeAlias(bridge?.ifalias);
    if (!bridge || !tags) continue;
    const gateway = addrs
      .find((entry) => entry.ifname === bridge.ifname)
      ?.addr_info?.find((info) => info.family === 'inet');
    l2Vnis.push({
      l2Vni: vxlan.linkinfo.info_data?.id ?? 0,
      vrf: tags.vrf,
      vlan: tags.vlan,
      anycastGateway: gateway ? `${gateway.local}/${gateway.prefixlen}` : '',
      gatewayMac: bridge.address ?? '',
      interfaces: links
        .filter((link) => link.master === bridge.ifname)
        .flatMap((link) => parseAccessAlias(link.ifalias)?.iface ?? []),
    });
  }
  return l2Vnis;
}

/** The leaf's actual tenant configuration, read back from FRR and the kernel. */
export async function readDeviceState(device: LabDevice): Promise<DeviceState> {
  const { vrfs, prefixes } = await readVrfs(device);
  return normalizeDeviceState({ vrfs, l2Vnis: await readL2Vnis(device), prefixes });
}
