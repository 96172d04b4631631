// A lab gateway node's gateway state, read back from the kernel, nftables and FRR.
import type { DefaultRouteState, GatewayState, TransferLinkState } from '../state/fabric-state';
import { gatewayRouteMaps } from './frr-config';
import { vtysh } from './frr-daemons';
import { parseTransferAlias, transferVrfEnd } from './gateway-apply';
import { dnatOf, readNatRules, snatOf } from './gateway-nat';
import type { LabDevice } from './lab-layout';
import { ipJson } from './run-command';
import type { TenantVrfs } from './tenant-vrfs';

/** What the gateway operations leave in FRR's running configuration. */
export interface GatewayBgpConfig {
  /** `network` statements of the public (default) BGP instance. */
  readonly networks: string[];
  /** VRF end addresses the public instance gives the default to. */
  readonly toVpc: string[];
  /** VRF -> the gateway end address its instance takes the default from. */
  readonly fromGateway: Map<string, string>;
}

export function parseGatewayBgp(runningConfig: string): GatewayBgpConfig {
  const config: GatewayBgpConfig = { networks: [], toVpc: [], fromGateway: new Map() };
  let block: { vrf?: string } | undefined;
  let family = '';
  for (const raw of runningConfig.split('\n')) {
    const line = raw.trim();
    const start = /^router bgp \d+(?: vrf (\S+))?$/.exec(line);
    if (start) {
      block = start[1] === undefined ? {} : { vrf: start[1] };
      family = '';
      continue;
    }
    if (!block) continue;
    if (line === 'exit' && !raw.startsWith(' ')) {
      block = undefined;
      continue;
    }
    const af = /^address-family (.+)$/.exec(line);
    if (af) family = af[1] ?? '';
    else if (line === 'exit-address-family') family = '';
    else if (family === 'ipv4 unicast') {
      const network = /^network (\S+)$/.exec(line)?.[1];
      const routeMap = /^neighbor (\S+) route-map (\S+) (in|out)$/.exec(line);
      if (network !== undefined && block.vrf === undefined) config.networks.push(network);
      else if (routeMap && block.vrf === undefined && routeMap[2] === gatewayRouteMaps.toVpc) {
        config.toVpc.push(routeMap[1] ?? '');
      } else if (
        routeMap &&
        block.vrf !== undefined &&
        routeMap[2] === gatewayRouteMaps.fromGateway
      ) {
        config.fromGateway.set(block.vrf, routeMap[1] ?? '');
      }
    }
  }
  return config;
}

interface IpLink {
  readonly ifname: string;
  readonly ifalias?: string;
  readonly linkinfo?: { readonly info_kind?: string };
}

interface IpAddr {
  readonly ifname: string;
  readonly addr_info?: readonly { family: string; local: string; prefixlen: number }[];
}

const inet = (addrs: readonly IpAddr[], ifname: string): string | undefined => {
  const info = addrs
    .find((entry) => entry.ifname === ifname)
    ?.addr_info?.find((entry) => entry.family === 'inet');
  return info ? `${info.local}/${info.prefixlen}` : undefined;
};

/** The transfer links whose both ends are in place, with the VRF's L3 VNI of each. */
async function readTransferLinks(
  device: LabDevice,
  vrfs: TenantVrfs,
  inKernel: readonly string[],
): Promise<(TransferLinkState & { link: string })[]> {
  const links = await ipJson<IpLink>(device.namespace, '-d', 'link', 'show');
  const addrs = await ipJson<IpAddr>(device.namespace, 'addr', 'show');
  const found: (TransferLinkState & { link: string })[] = [];
  for (const outer of links) {
    const vrf = parseTransferAlias(outer.ifalias);
    const l3Vni = /^tg(\d+)$/.exec(outer.ifname)?.[1];
    if (vrf === undefined || l3Vni === undefined || !inKernel.includes(vrf)) continue;
    const inner = transferVrfEnd(Number(l3Vni));
    const vrfAddrs = JSON.parse((await vrfs.ip(vrf, '-j', 'addr', 'show')) || '[]') as IpAddr[];
    const gatewayAddress = inet(addrs, outer.ifname);
    const vrfAddress = inet(vrfAddrs, inner);
    if (gatewayAddress && vrfAddress) found.push({ vrf, vrfAddress, gatewayAddress, link: inner });
  }
  return found;
}

/**
 * The node's transfer links, default routes (both BGP sides configured), NAT rules and upstream
 * announcements (its loopback aside).
 */
export async function readGatewayState(
  device: LabDevice,
  vrfs: TenantVrfs,
  inKernel: readonly string[],
): Promise<GatewayState> {
  const links = await readTransferLinks(device, vrfs, inKernel);
  const bgp = parseGatewayBgp(await vtysh(device, 'show running-config'));
  const defaultRoutes: DefaultRouteState[] = [];
  const snatRules: GatewayState['snatRules'][number][] = [];
  const dnatRules: GatewayState['dnatRules'][number][] = [];
  for (const link of links) {
    const nextHop = bgp.fromGateway.get(link.vrf);
    const vrfEnd = link.vrfAddress.split('/')[0] ?? '';
    if (nextHop !== undefined && bgp.toVpc.includes(vrfEnd)) {
      defaultRoutes.push({ vrf: link.vrf, nextHop });
    }
    const rules = await readNatRules(vrfs, link.vrf);
    snatRules.push(...snatOf(link.vrf, rules, link.link));
    dnatRules.push(...dnatOf(link.vrf, rules, link.link));
  }
  return {
    transferLinks: links.map(({ vrf, vrfAddress, gatewayAddress }) => ({
      vrf,
      vrfAddress,
      gatewayAddress,
    })),
    defaultRoutes,
    snatRules,
    dnatRules,
    upstreamPrefixes: bgp.networks.filter((prefix) => prefix !== `${device.loopback}/32`),
  };
}
