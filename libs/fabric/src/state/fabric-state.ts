import { parseIpv4Prefix } from '../addressing';
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
  /** Sorted; never empty (an L2 VNI goes with its last interface). */
  readonly interfaces: readonly string[];
}

export interface AnnouncedPrefix {
  readonly vrf: string;
  readonly prefix: string;
}

export interface DeviceState {
  /** Sorted by name. */
  readonly vrfs: readonly VrfState[];
  /** Sorted by VNI. */
  readonly l2Vnis: readonly L2VniState[];
  /** Sorted by VRF, then by address and length. */
  readonly prefixes: readonly AnnouncedPrefix[];
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

/**
 * The canonical form: lists sorted, RT and interface lists deduplicated, fresh plain objects
 * (no shared references, no extra properties). Intents built by hand go through this before they
 * are compared.
 */
export function normalizeDeviceState(state: DeviceState): DeviceState {
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
      }))
      .sort((a, b) => a.l2Vni - b.l2Vni),
    prefixes: state.prefixes
      .map((entry) => ({ vrf: entry.vrf, prefix: entry.prefix }))
      .sort(comparePrefixes),
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
