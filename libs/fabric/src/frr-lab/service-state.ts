// A lab border leaf's service IP state, read back from the kernel and nftables.
import { parseIpv4Prefix } from '../addressing';
import type {
  DeviceState,
  ServiceLinkState,
  ServiceNatState,
  ServiceRouteState,
  ServiceState,
} from '../state/fabric-state';
import type { LabDevice } from './lab-layout';
import { ipJson } from './run-command';
import { parseServiceAlias, serviceComments, serviceTable, serviceVrfEnd } from './service-apply';
import type { TenantVrfs } from './tenant-vrfs';

interface IpLink {
  readonly ifname: string;
  readonly ifalias?: string;
}

interface IpAddr {
  readonly ifname: string;
  readonly addr_info?: readonly { family: string; local: string; prefixlen: number }[];
}

interface IpRoute {
  readonly dst: string;
  readonly gateway?: string;
}

interface NftRule {
  readonly chain: string;
  readonly comment?: string;
  readonly expr: readonly {
    readonly match?: { readonly left?: { readonly meta?: { key: string } }; right?: unknown };
    readonly snat?: { readonly addr?: unknown };
  }[];
}

const inet = (addrs: readonly IpAddr[], ifname: string): string | undefined => {
  const info = addrs
    .find((entry) => entry.ifname === ifname)
    ?.addr_info?.find((entry) => entry.family === 'inet');
  return info ? `${info.local}/${info.prefixlen}` : undefined;
};

const parseJson = <T>(text: string): T[] => (text.trim() === '' ? [] : (JSON.parse(text) as T[]));

/** The translation of `vrf` when its table holds the SNAT through `link` and both guards. */
async function readNat(
  vrfs: TenantVrfs,
  vrf: string,
  link: string,
): Promise<ServiceNatState | undefined> {
  let text: string;
  try {
    text = await vrfs.exec(vrf, 'nft', '-j', 'list', 'table', ...serviceTable);
  } catch (error) {
    if (error instanceof Error && /No such file or directory/.test(error.message)) return undefined;
    throw error;
  }
  const { nftables = [] } = JSON.parse(text) as { nftables?: { rule?: NftRule }[] };
  const rules = nftables.flatMap((entry) => (entry.rule ? [entry.rule] : []));
  const through = (rule: NftRule, key: string) =>
    rule.expr.some((expr) => expr.match?.left?.meta?.key === key && expr.match.right === link);
  const snat = rules.find(
    (rule) =>
      rule.chain === 'postrouting' &&
      rule.comment === serviceComments.snat &&
      through(rule, 'oifname'),
  );
  const address = snat?.expr.find((expr) => expr.snat)?.snat?.addr;
  const guarded = ['input', 'forward'].every((chain) =>
    rules.some(
      (rule) =>
        rule.chain === chain && rule.comment === serviceComments.guard && through(rule, 'iifname'),
    ),
  );
  return typeof address === 'string' && guarded ? { vrf, address } : undefined;
}

/** The service links whose both ends are in place, their routes and translations. */
export async function readServiceState(
  device: LabDevice,
  vrfs: TenantVrfs,
  inKernel: readonly string[],
  state: Pick<DeviceState, 'vrfs'>,
): Promise<ServiceState> {
  const links: ServiceLinkState[] = [];
  const routes: ServiceRouteState[] = [];
  const nats: ServiceNatState[] = [];
  const outerLinks = await ipJson<IpLink>(device.namespace, 'link', 'show');
  const outerAddrs = await ipJson<IpAddr>(device.namespace, 'addr', 'show');
  for (const outer of outerLinks) {
    const vrf = parseServiceAlias(outer.ifalias);
    const l3Vni = state.vrfs.find((entry) => entry.name === vrf)?.l3Vni;
    if (vrf === undefined || l3Vni === undefined || !inKernel.includes(vrf)) continue;
    const inner = serviceVrfEnd(l3Vni);
    const vrfAddress = inet(parseJson<IpAddr>(await vrfs.ip(vrf, '-j', 'addr', 'show')), inner);
    const nodeAddress = inet(outerAddrs, outer.ifname);
    if (!vrfAddress || !nodeAddress) continue;
    links.push({ vrf, vrfAddress, nodeAddress });
    const nextHop = nodeAddress.split('/')[0];
    for (const route of parseJson<IpRoute>(
      await vrfs.ip(vrf, '-j', 'route', 'show', 'dev', inner),
    )) {
      const prefix = route.dst.includes('/') ? route.dst : `${route.dst}/32`;
      if (route.gateway === nextHop && parseIpv4Prefix(prefix)) routes.push({ vrf, prefix });
    }
    const nat = await readNat(vrfs, vrf, inner);
    if (nat) nats.push(nat);
  }
  return { links, routes, nats };
}
