import { parseIpv4, parseIpv4Prefix } from '../addressing';
import type { ShapingLimit } from '../operations/shaping-operation';
import { type FabricTopology } from '../topology/topology';

/**
 * A device's tenant configuration, actual (read from the device) or intended (built by a saga):
 * the same plain, sorted shape either way, so `toEqual` and diffFabric compare them directly.
 */
export interface VrfState {
  readonly name: string;
  readonly l3Vni: number;
  readonly rd: string;
  /** Sorted, without duplicates. */
  readonly importRts: readonly string[];
  readonly exportRts: readonly string[];
  /** Whether the VRF's BGP EVPN instance is configured. */
  readonly bgpEvpn: boolean;
}

/** One L2 VNI on a device: its VLAN, VRF and anycast gateway, and the interfaces bound to it. */
export interface L2VniState {
  readonly l2Vni: number;
  readonly vrf: string;
  readonly vlan: number;
  readonly anycastGateway: string;
  readonly gatewayMac: string;
  /** Trunk interfaces (tagged, `vlan`), sorted. */
  readonly interfaces: readonly string[];
  /**
   * Access interfaces (untagged: bare-metal servers), sorted; the canonical form leaves it out
   * when empty. The L2 VNI goes with its last interface of either kind.
   */
  readonly untaggedInterfaces?: readonly string[];
}

export interface AnnouncedPrefix {
  readonly vrf: string;
  readonly prefix: string;
}

/** A VRF's transfer link on a gateway node (addTransferLink). */
export interface TransferLinkState {
  readonly vrf: string;
  readonly vrfAddress: string;
  readonly gatewayAddress: string;
}

export interface DefaultRouteState {
  readonly vrf: string;
  readonly nextHop: string;
}

export interface SnatRuleState {
  readonly vrf: string;
  readonly publicAddress: string;
}

export interface DnatRuleState {
  readonly vrf: string;
  readonly publicAddress: string;
  readonly privateAddress: string;
}

/** What a gateway node holds beside its VRFs: the gateway operations' state, each list sorted. */
export interface GatewayState {
  /** Sorted by VRF. */
  readonly transferLinks: readonly TransferLinkState[];
  /** Sorted by VRF. */
  readonly defaultRoutes: readonly DefaultRouteState[];
  /** Sorted by VRF. */
  readonly snatRules: readonly SnatRuleState[];
  /** Sorted by public address. */
  readonly dnatRules: readonly DnatRuleState[];
  /** Prefixes announced to the upstream peers, sorted by address and length. */
  readonly upstreamPrefixes: readonly string[];
}

/** A port's shaping on a leaf (shapePort): limits towards (ingress) and from (egress) the port. */
export interface PortShapingState {
  readonly interface: string;
  readonly vlan: number;
  readonly address: string;
  readonly ingress: ShapingLimit | null;
  readonly egress: ShapingLimit | null;
}

/** A floating IP's shaping on a gateway node (shapeFloatingIp). */
export interface FloatingIpShapingState {
  readonly vrf: string;
  readonly publicAddress: string;
  readonly ingress: ShapingLimit | null;
  readonly egress: ShapingLimit | null;
}

/** Traffic shaping on a device, each list sorted. */
export interface ShapingState {
  /** Sorted by interface, VLAN, then address. */
  readonly ports: readonly PortShapingState[];
  /** Sorted by public address. */
  readonly floatingIps: readonly FloatingIpShapingState[];
}

/** A VPC's service link on a border leaf (addServiceLink). */
export interface ServiceLinkState {
  readonly vrf: string;
  readonly vrfAddress: string;
  readonly nodeAddress: string;
}

/** A management prefix leaked into a VRF (addServiceRoute). */
export interface ServiceRouteState {
  readonly vrf: string;
  readonly prefix: string;
}

/** A VRF's translation to its management-side address (addServiceNat). */
export interface ServiceNatState {
  readonly vrf: string;
  readonly address: string;
}

/** What a border leaf holds for service IPs: each list sorted by VRF (routes then by prefix). */
export interface ServiceState {
  readonly links: readonly ServiceLinkState[];
  readonly routes: readonly ServiceRouteState[];
  readonly nats: readonly ServiceNatState[];
}

export interface DeviceState {
  /** Sorted by name. */
  readonly vrfs: readonly VrfState[];
  /** Sorted by VNI. */
  readonly l2Vnis: readonly L2VniState[];
  /** Sorted by VRF, then by address and length. */
  readonly prefixes: readonly AnnouncedPrefix[];
  /**
   * Gateway nodes only, and only while they hold some of it: the canonical form leaves it out
   * when every list is empty, so a leaf's state (and a gateway's with nothing on it) keeps the
   * three lists above alone.
   */
  readonly gateway?: GatewayState;
  /** Only while the device shapes something, like `gateway`. */
  readonly shaping?: ShapingState;
  /** Border leaves only, and only while they hold some of it, like `gateway`. */
  readonly service?: ServiceState;
}

export const emptyGatewayState: GatewayState = Object.freeze({
  transferLinks: Object.freeze([]),
  defaultRoutes: Object.freeze([]),
  snatRules: Object.freeze([]),
  dnatRules: Object.freeze([]),
  upstreamPrefixes: Object.freeze([]),
});

export function gatewayStateOf(state: DeviceState): GatewayState {
  return state.gateway ?? emptyGatewayState;
}

export const emptyShapingState: ShapingState = Object.freeze({
  ports: Object.freeze([]),
  floatingIps: Object.freeze([]),
});

export function shapingStateOf(state: DeviceState): ShapingState {
  return state.shaping ?? emptyShapingState;
}

export const emptyServiceState: ServiceState = Object.freeze({
  links: Object.freeze([]),
  routes: Object.freeze([]),
  nats: Object.freeze([]),
});

export function serviceStateOf(state: DeviceState): ServiceState {
  return state.service ?? emptyServiceState;
}

function normalizeServiceState(service: ServiceState | undefined): ServiceState | undefined {
  if (!service) return undefined;
  const byVrf = (a: { vrf: string }, b: { vrf: string }) => compareText(a.vrf, b.vrf);
  const normal: ServiceState = {
    links: service.links
      .map(({ vrf, vrfAddress, nodeAddress }) => ({ vrf, vrfAddress, nodeAddress }))
      .sort(byVrf),
    routes: service.routes.map(({ vrf, prefix }) => ({ vrf, prefix })).sort(comparePrefixes),
    nats: service.nats.map(({ vrf, address }) => ({ vrf, address })).sort(byVrf),
  };
  const empty = normal.links.length + normal.routes.length + normal.nats.length === 0;
  return empty ? undefined : normal;
}

/**
 * Whether two limits are the same on a device. A device may keep a burst only to its shaper's
 * clock (Linux tc keeps it in 64 ns ticks), so bursts that differ by less than 100 ns of traffic
 * at the rate, plus a byte, are the same burst; rates are exact.
 */
export function sameShapingLimit(a: ShapingLimit | null, b: ShapingLimit | null): boolean {
  if (a === null || b === null) return a === b;
  const slack = Math.max(2, Math.ceil((a.rateKbps * 125) / 10_000_000) + 1);
  return a.rateKbps === b.rateKbps && Math.abs(a.burstBytes - b.burstBytes) <= slack;
}

/** Device name -> its state. A device absent from the record has an empty state. */
export type FabricState = Readonly<Record<string, DeviceState>>;

export const emptyDeviceState: DeviceState = Object.freeze({
  vrfs: Object.freeze([]),
  l2Vnis: Object.freeze([]),
  prefixes: Object.freeze([]),
});

/** Every device of the topology with an empty state, keyed in topology order. */
export function emptyFabricState(topology: FabricTopology): FabricState {
  return Object.fromEntries(topology.devices.map((device) => [device.name, emptyDeviceState]));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareText);
}

export function comparePrefixes(a: AnnouncedPrefix, b: AnnouncedPrefix): number {
  const byVrf = compareText(a.vrf, b.vrf);
  if (byVrf !== 0) return byVrf;
  const left = parseIpv4Prefix(a.prefix);
  const right = parseIpv4Prefix(b.prefix);
  // Malformed prefixes can only come from tamper(); they sort after the good ones, by text.
  if (left && right) return left.network - right.network || left.length - right.length;
  if (left || right) return left ? -1 : 1;
  return compareText(a.prefix, b.prefix);
}

function compareAddresses(a: string, b: string): number {
  const left = parseIpv4(a.split('/')[0] ?? '');
  const right = parseIpv4(b.split('/')[0] ?? '');
  if (left !== undefined && right !== undefined && left !== right) return left - right;
  return compareText(a, b);
}

function compareUpstream(a: string, b: string): number {
  return comparePrefixes({ vrf: '', prefix: a }, { vrf: '', prefix: b });
}

function normalizeGatewayState(gateway: GatewayState | undefined): GatewayState | undefined {
  if (!gateway) return undefined;
  const byVrf = (a: { vrf: string }, b: { vrf: string }) => compareText(a.vrf, b.vrf);
  const normal: GatewayState = {
    transferLinks: gateway.transferLinks
      .map(({ vrf, vrfAddress, gatewayAddress }) => ({ vrf, vrfAddress, gatewayAddress }))
      .sort(byVrf),
    defaultRoutes: gateway.defaultRoutes.map(({ vrf, nextHop }) => ({ vrf, nextHop })).sort(byVrf),
    snatRules: gateway.snatRules
      .map(({ vrf, publicAddress }) => ({ vrf, publicAddress }))
      .sort(byVrf),
    dnatRules: gateway.dnatRules
      .map(({ vrf, publicAddress, privateAddress }) => ({ vrf, publicAddress, privateAddress }))
      .sort((a, b) => compareAddresses(a.publicAddress, b.publicAddress)),
    upstreamPrefixes: [...new Set(gateway.upstreamPrefixes)].sort(compareUpstream),
  };
  const empty = Object.values(normal).every((list: readonly unknown[]) => list.length === 0);
  return empty ? undefined : normal;
}

function normalizeLimit(limit: ShapingLimit | null): ShapingLimit | null {
  return limit === null ? null : { rateKbps: limit.rateKbps, burstBytes: limit.burstBytes };
}

function normalizeShapingState(shaping: ShapingState | undefined): ShapingState | undefined {
  if (!shaping || (shaping.ports.length === 0 && shaping.floatingIps.length === 0)) {
    return undefined;
  }
  return {
    ports: shaping.ports
      .map((port) => ({
        interface: port.interface,
        vlan: port.vlan,
        address: port.address,
        ingress: normalizeLimit(port.ingress),
        egress: normalizeLimit(port.egress),
      }))
      .sort(
        (a, b) =>
          compareText(a.interface, b.interface) ||
          a.vlan - b.vlan ||
          compareAddresses(a.address, b.address),
      ),
    floatingIps: shaping.floatingIps
      .map((entry) => ({
        vrf: entry.vrf,
        publicAddress: entry.publicAddress,
        ingress: normalizeLimit(entry.ingress),
        egress: normalizeLimit(entry.egress),
      }))
      .sort((a, b) => compareAddresses(a.publicAddress, b.publicAddress)),
  };
}

/**
 * The canonical form: lists sorted, RT and interface lists deduplicated, fresh plain objects
 * (no shared references, no extra properties), and `gateway` only when it holds something. Intents built by hand go through this before they
 * are compared.
 */
export function normalizeDeviceState(state: DeviceState): DeviceState {
  const gateway = normalizeGatewayState(state.gateway);
  const shaping = normalizeShapingState(state.shaping);
  const service = normalizeServiceState(state.service);
  return {
    vrfs: state.vrfs
      .map((vrf) => ({
        name: vrf.name,
        l3Vni: vrf.l3Vni,
        rd: vrf.rd,
        importRts: sortedUnique(vrf.importRts),
        exportRts: sortedUnique(vrf.exportRts),
        bgpEvpn: vrf.bgpEvpn,
      }))
      .sort((a, b) => compareText(a.name, b.name)),
    l2Vnis: state.l2Vnis
      .map((l2) => ({
        l2Vni: l2.l2Vni,
        vrf: l2.vrf,
        vlan: l2.vlan,
        anycastGateway: l2.anycastGateway,
        gatewayMac: l2.gatewayMac,
        interfaces: sortedUnique(l2.interfaces),
        ...(l2.untaggedInterfaces?.length
          ? { untaggedInterfaces: sortedUnique(l2.untaggedInterfaces) }
          : {}),
      }))
      .sort((a, b) => a.l2Vni - b.l2Vni),
    prefixes: state.prefixes
      .map((entry) => ({ vrf: entry.vrf, prefix: entry.prefix }))
      .sort(comparePrefixes),
    ...(gateway ? { gateway } : {}),
    ...(shaping ? { shaping } : {}),
    ...(service ? { service } : {}),
  };
}

/** normalizeDeviceState for every device, keys in name order. */
export function normalizeFabricState(state: FabricState): FabricState {
  return Object.fromEntries(
    Object.keys(state)
      .sort(compareText)
      .map((device) => [device, normalizeDeviceState(state[device] ?? emptyDeviceState)]),
  );
}
