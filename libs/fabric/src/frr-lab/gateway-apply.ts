// The gateway operations on a lab gateway node: the transfer link (a veth from the VPC VRF's
// namespace to the node's public namespace), the VRF's default route (an iBGP session across
// the link that carries the upstream's default into the VRF), NAT (gateway-nat.ts) with the host
// routes of its public addresses, and announcements to the upstream (`network` statements).
import type { GatewayOperation } from '../operations/gateway-operation';
import { gatewayStateOf, type DeviceState } from '../state/fabric-state';
import type { DeviceChange } from './device-change';
import { configure } from './frr-daemons';
import { gatewayRouteMaps } from './frr-config';
import { addDnatRules, addSnatRule, removeDnatRules, removeSnatRules } from './gateway-nat';
import { UndoLog } from './undo-log';
import { ip } from './run-command';

/** The transfer link's ends: on the node (public side) and in the VRF. */
export const transferGatewayEnd = (l3Vni: number): string => `tg${l3Vni}`;
export const transferVrfEnd = (l3Vni: number): string => `tv${l3Vni}`;
export const transferAlias = (vrf: string): string => `loom transfer vrf=${vrf}`;

export function parseTransferAlias(alias: string | undefined): string | undefined {
  return /^loom transfer vrf=(\S+)$/.exec(alias ?? '')?.[1];
}

const hostOf = (address: string): string => address.split('/')[0] ?? address;

function l3VniOf(before: DeviceState, vrf: string): number {
  const l3Vni = before.vrfs.find((entry) => entry.name === vrf)?.l3Vni;
  if (l3Vni === undefined) throw new Error(`no VRF ${vrf} on the node`);
  return l3Vni;
}

function transferOf(before: DeviceState, vrf: string) {
  const link = gatewayStateOf(before).transferLinks.find((entry) => entry.vrf === vrf);
  if (!link) throw new Error(`no transfer link for VRF ${vrf} on the node`);
  return { ...link, l3Vni: l3VniOf(before, vrf) };
}

const bgp = (change: DeviceChange) => `router bgp ${change.device.asn}`;

async function addTransferLink(
  change: DeviceChange,
  before: DeviceState,
  op: Extract<GatewayOperation, { kind: 'addTransferLink' }>,
): Promise<void> {
  const { device, vrfs, undo } = change;
  const l3Vni = l3VniOf(before, op.vrf);
  const [outer, inner] = [transferGatewayEnd(l3Vni), transferVrfEnd(l3Vni)];
  // A link left by an operation that lost its reply is made again.
  await ip(device.namespace, 'link', 'delete', outer).catch(() => undefined);
  await ip(device.namespace, 'link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
  // Deleting one end deletes the other, wherever it is by then.
  undo.push(() => ip(device.namespace, 'link', 'delete', outer));
  await ip(device.namespace, 'link', 'set', outer, 'alias', transferAlias(op.vrf));
  await vrfs.adopt(op.vrf, inner);
  await vrfs.attachBridge(op.vrf, inner);
  await vrfs.ip(op.vrf, 'addr', 'add', op.vrfAddress, 'dev', inner);
  await vrfs.ip(op.vrf, 'link', 'set', inner, 'up');
  // During a failover a flow's two directions may briefly take different nodes.
  await vrfs.exec(op.vrf, 'sysctl', '-q', '-w', 'net.ipv4.conf.all.rp_filter=0');
  await ip(device.namespace, 'addr', 'add', op.gatewayAddress, 'dev', outer);
  await ip(device.namespace, 'link', 'set', outer, 'up');
}

/**
 * The VRF's default route: the VRF's BGP instance peers (iBGP) with the node's public one across
 * the transfer link and takes from it the upstream's default, which `advertise ipv4 unicast`
 * exports into the VPC as a type-5 route. So the VRF has a default only while the node has one
 * from the upstream: a node that loses its uplink stops drawing the VPC's traffic.
 */
function defaultRouteLines(
  change: DeviceChange,
  vrf: string,
  nextHop: string,
  vrfAddress: string,
  no: '' | 'no ',
): string[] {
  const maps = gatewayRouteMaps;
  const vrfSide = `${bgp(change)} vrf ${vrf}`;
  if (no) {
    return [
      vrfSide,
      `no neighbor ${nextHop}`,
      'exit',
      bgp(change),
      `no neighbor ${vrfAddress}`,
      'exit',
    ];
  }
  return [
    vrfSide,
    `neighbor ${nextHop} remote-as internal`,
    'address-family ipv4 unicast',
    `neighbor ${nextHop} route-map ${maps.fromGateway} in`,
    `neighbor ${nextHop} route-map ${maps.toGateway} out`,
    'exit-address-family',
    'exit',
    bgp(change),
    `neighbor ${vrfAddress} remote-as internal`,
    'address-family ipv4 unicast',
    `neighbor ${vrfAddress} next-hop-self`,
    `neighbor ${vrfAddress} route-map ${maps.fromVpc} in`,
    `neighbor ${vrfAddress} route-map ${maps.toVpc} out`,
    'exit-address-family',
    'exit',
  ];
}

async function setDefaultRoute(
  change: DeviceChange,
  before: DeviceState,
  vrf: string,
  nextHop: string,
  on: boolean,
): Promise<void> {
  const vrfAddress = hostOf(transferOf(before, vrf).vrfAddress);
  const lines = (no: '' | 'no ') => defaultRouteLines(change, vrf, nextHop, vrfAddress, no);
  change.undo.push(() => configure(change.device, lines(on ? 'no ' : '')));
  await configure(change.device, lines(on ? '' : 'no '));
}

/** The host route of a public address on the node, to the VRF's end of its transfer link. */
async function setPublicRoute(
  change: DeviceChange,
  publicAddress: string,
  link: { l3Vni: number; vrfAddress: string } | undefined,
): Promise<void> {
  const { device, undo } = change;
  const ns = device.namespace;
  if (link) {
    const route = [`${publicAddress}/32`, 'via', hostOf(link.vrfAddress)];
    await ip(ns, 'route', 'replace', ...route, 'dev', transferGatewayEnd(link.l3Vni));
    undo.push(() => ip(ns, 'route', 'delete', `${publicAddress}/32`));
  } else {
    await ip(ns, 'route', 'delete', `${publicAddress}/32`).catch(() => undefined);
  }
}

async function applyNat(change: DeviceChange, before: DeviceState, op: GatewayOperation) {
  const { vrfs, undo } = change;
  const gateway = gatewayStateOf(before);
  switch (op.kind) {
    case 'addSnat': {
      const link = transferOf(before, op.vrf);
      const linkEnd = transferVrfEnd(link.l3Vni);
      await addSnatRule(vrfs, undo, op.vrf, linkEnd, hostOf(link.vrfAddress), op.publicAddress);
      return setPublicRoute(change, op.publicAddress, link);
    }
    case 'removeSnat': {
      const link = transferOf(before, op.vrf);
      const rule = gateway.snatRules.find((entry) => entry.vrf === op.vrf);
      await removeSnatRules(vrfs, op.vrf, transferVrfEnd(link.l3Vni));
      if (rule) {
        undo.push(async () => {
          const again = new UndoLog();
          const end = transferVrfEnd(link.l3Vni);
          await addSnatRule(vrfs, again, op.vrf, end, hostOf(link.vrfAddress), rule.publicAddress);
        });
        await setPublicRoute(change, rule.publicAddress, undefined);
      }
      return;
    }
    case 'addDnat': {
      const link = transferOf(before, op.vrf);
      const end = transferVrfEnd(link.l3Vni);
      await addDnatRules(vrfs, undo, op.vrf, end, op.publicAddress, op.privateAddress);
      return setPublicRoute(change, op.publicAddress, link);
    }
    case 'removeDnat': {
      const link = transferOf(before, op.vrf);
      const end = transferVrfEnd(link.l3Vni);
      const rule = gateway.dnatRules.find((entry) => entry.publicAddress === op.publicAddress);
      await removeDnatRules(vrfs, op.vrf, end, op.publicAddress);
      if (rule) {
        undo.push(() =>
          addDnatRules(vrfs, new UndoLog(), op.vrf, end, rule.publicAddress, rule.privateAddress),
        );
      }
      return setPublicRoute(change, op.publicAddress, undefined);
    }
    default:
      throw new Error(`${op.kind} is not a NAT operation`);
  }
}

/** Makes the node go from `before` for gateway operation `op` (the device model allowed it). */
export async function applyGatewayOperation(
  change: DeviceChange,
  before: DeviceState,
  op: GatewayOperation,
): Promise<void> {
  if (!change.device.gateway) throw new Error(`${change.device.name} is not a gateway node`);
  switch (op.kind) {
    case 'addTransferLink':
      return addTransferLink(change, before, op);
    case 'removeTransferLink': {
      const link = transferOf(before, op.vrf);
      await ip(change.device.namespace, 'link', 'delete', transferGatewayEnd(link.l3Vni));
      return;
    }
    case 'addDefaultRoute':
      return setDefaultRoute(change, before, op.vrf, op.nextHop, true);
    case 'removeDefaultRoute': {
      const route = gatewayStateOf(before).defaultRoutes.find((entry) => entry.vrf === op.vrf);
      return setDefaultRoute(change, before, op.vrf, route?.nextHop ?? '', false);
    }
    case 'addSnat':
    case 'removeSnat':
    case 'addDnat':
    case 'removeDnat':
      return applyNat(change, before, op);
    case 'announceUpstream':
    case 'withdrawUpstream': {
      const no = op.kind === 'withdrawUpstream' ? 'no ' : '';
      const lines = (negate: string) => [
        bgp(change),
        'address-family ipv4 unicast',
        `${negate}network ${op.prefix}`,
        'exit-address-family',
        'exit',
      ];
      change.undo.push(() => configure(change.device, lines(no ? '' : 'no ')));
      return configure(change.device, lines(no));
    }
  }
}
