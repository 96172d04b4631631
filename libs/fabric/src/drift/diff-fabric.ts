import type { ShapingLimit } from '../operations/shaping-operation';
import {
  comparePrefixes,
  emptyDeviceState,
  gatewayStateOf,
  normalizeFabricState,
  sameShapingLimit,
  serviceStateOf,
  shapingStateOf,
  type DeviceState,
  type FabricState,
} from '../state/fabric-state';

/**
 * One configuration item of a device. An L2 VNI's settings and each interface bound to it are
 * separate items because each interface is a separate bindL2Vni to replay or undo.
 */
export type FabricItem =
  | { readonly type: 'vrf'; readonly vrf: string }
  | { readonly type: 'l2Vni'; readonly l2Vni: number }
  | {
      readonly type: 'l2Vni-interface';
      readonly l2Vni: number;
      readonly interface: string;
      /** An access port (untagged, a bare-metal server's); absent for a trunk. */
      readonly untagged?: true;
    }
  | { readonly type: 'prefix'; readonly vrf: string; readonly prefix: string }
  /** Gateway nodes: a VRF's transfer link, default route and SNAT rule, a DNAT rule, an upstream announcement. */
  | { readonly type: 'transfer-link'; readonly vrf: string }
  | { readonly type: 'default-route'; readonly vrf: string }
  | { readonly type: 'snat'; readonly vrf: string }
  | { readonly type: 'dnat'; readonly publicAddress: string }
  | { readonly type: 'upstream-prefix'; readonly prefix: string }
  /** Traffic shaping: a port's on a leaf, a floating IP's on a gateway node. */
  | {
      readonly type: 'port-shaping';
      readonly interface: string;
      readonly vlan: number;
      readonly address: string;
    }
  | { readonly type: 'floating-ip-shaping'; readonly publicAddress: string }
  /** Border leaves: a VRF's service link and translation, a management prefix leaked into it. */
  | { readonly type: 'service-link'; readonly vrf: string }
  | { readonly type: 'service-route'; readonly vrf: string; readonly prefix: string }
  | { readonly type: 'service-nat'; readonly vrf: string };

export type FieldValue = string | number | boolean | readonly string[];

export interface FieldDifference {
  readonly field: string;
  readonly intended: FieldValue;
  readonly actual: FieldValue;
}

export type FabricDifference =
  /** Intended but absent on the device. */
  | { readonly kind: 'missing'; readonly device: string; readonly item: FabricItem }
  /** On the device but not intended. */
  | { readonly kind: 'unexpected'; readonly device: string; readonly item: FabricItem }
  /** On both, with different settings. */
  | {
      readonly kind: 'different';
      readonly device: string;
      readonly item: FabricItem;
      readonly fields: readonly FieldDifference[];
    };

interface Entry {
  readonly item: FabricItem;
  readonly fields: Readonly<Record<string, FieldValue>>;
}

/** Items in a fixed order (VRFs, L2 VNIs each followed by their interfaces, prefixes). */
function entries(state: DeviceState): Map<string, Entry> {
  const map = new Map<string, Entry>();
  for (const { name, ...fields } of state.vrfs)
    map.set(`vrf:${name}`, { item: { type: 'vrf', vrf: name }, fields });
  for (const { l2Vni, interfaces, untaggedInterfaces = [], ...fields } of state.l2Vnis) {
    map.set(`l2:${l2Vni}`, { item: { type: 'l2Vni', l2Vni }, fields });
    for (const name of interfaces) {
      map.set(`l2:${l2Vni}:${name}`, {
        item: { type: 'l2Vni-interface', l2Vni, interface: name },
        fields: {},
      });
    }
    for (const name of untaggedInterfaces) {
      map.set(`l2:${l2Vni}:${name}:untagged`, {
        item: { type: 'l2Vni-interface', l2Vni, interface: name, untagged: true },
        fields: {},
      });
    }
  }
  for (const { vrf, prefix } of state.prefixes) {
    map.set(`prefix:${vrf}:${prefix}`, { item: { type: 'prefix', vrf, prefix }, fields: {} });
  }
  const gateway = gatewayStateOf(state);
  for (const { vrf, ...fields } of gateway.transferLinks) {
    map.set(`transfer-link:${vrf}`, { item: { type: 'transfer-link', vrf }, fields });
  }
  for (const { vrf, ...fields } of gateway.defaultRoutes) {
    map.set(`default-route:${vrf}`, { item: { type: 'default-route', vrf }, fields });
  }
  for (const { vrf, ...fields } of gateway.snatRules) {
    map.set(`snat:${vrf}`, { item: { type: 'snat', vrf }, fields });
  }
  for (const { publicAddress, ...fields } of gateway.dnatRules) {
    map.set(`dnat:${publicAddress}`, { item: { type: 'dnat', publicAddress }, fields });
  }
  for (const prefix of gateway.upstreamPrefixes) {
    map.set(`upstream:${prefix}`, { item: { type: 'upstream-prefix', prefix }, fields: {} });
  }
  const shaping = shapingStateOf(state);
  for (const { interface: iface, vlan, address, ingress, egress } of shaping.ports) {
    map.set(`port-shaping:${iface}:${vlan}:${address}`, {
      item: { type: 'port-shaping', interface: iface, vlan, address },
      fields: { ingress: limitText(ingress), egress: limitText(egress) },
    });
  }
  for (const { publicAddress, vrf, ingress, egress } of shaping.floatingIps) {
    map.set(`floating-ip-shaping:${publicAddress}`, {
      item: { type: 'floating-ip-shaping', publicAddress },
      fields: { vrf, ingress: limitText(ingress), egress: limitText(egress) },
    });
  }
  const service = serviceStateOf(state);
  for (const { vrf, ...fields } of service.links) {
    map.set(`service-link:${vrf}`, { item: { type: 'service-link', vrf }, fields });
  }
  for (const { vrf, prefix } of service.routes) {
    map.set(`service-route:${vrf}:${prefix}`, {
      item: { type: 'service-route', vrf, prefix },
      fields: {},
    });
  }
  for (const { vrf, ...fields } of service.nats) {
    map.set(`service-nat:${vrf}`, { item: { type: 'service-nat', vrf }, fields });
  }
  return map;
}

/** A limit as a drift report shows it: `10000 kbit/s, burst 15000 B`, or `none`. */
function limitText(limit: ShapingLimit | null): string {
  return limit ? `${limit.rateKbps} kbit/s, burst ${limit.burstBytes} B` : 'none';
}

/**
 * The actual state with every shaping limit that is the same as the intended one on a device
 * (sameShapingLimit: a burst kept to the shaper's clock) written as intended, so only real
 * differences show.
 */
function alignShaping(intended: DeviceState, actual: DeviceState): DeviceState {
  const want = shapingStateOf(intended);
  const have = shapingStateOf(actual);
  if (!actual.shaping) return actual;
  const align = (wanted: ShapingLimit | null | undefined, found: ShapingLimit | null) =>
    wanted !== undefined && sameShapingLimit(wanted, found) ? wanted : found;
  return {
    ...actual,
    shaping: {
      ports: have.ports.map((port) => {
        const match = want.ports.find(
          (entry) =>
            entry.interface === port.interface &&
            entry.vlan === port.vlan &&
            entry.address === port.address,
        );
        return {
          ...port,
          ingress: align(match?.ingress, port.ingress),
          egress: align(match?.egress, port.egress),
        };
      }),
      floatingIps: have.floatingIps.map((entry) => {
        const match = want.floatingIps.find((item) => item.publicAddress === entry.publicAddress);
        return {
          ...entry,
          ingress: align(match?.ingress, entry.ingress),
          egress: align(match?.egress, entry.egress),
        };
      }),
    },
  };
}

function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((value, index) => value === b[index]);
  }
  return a === b;
}

const typeOrder: Record<FabricItem['type'], number> = {
  vrf: 0,
  l2Vni: 1,
  'l2Vni-interface': 1,
  prefix: 2,
  'transfer-link': 3,
  'default-route': 4,
  snat: 5,
  dnat: 6,
  'upstream-prefix': 7,
  'port-shaping': 8,
  'floating-ip-shaping': 9,
  'service-link': 10,
  'service-route': 11,
  'service-nat': 12,
};

/** The text an item sorts by within its type, for the gateway items. */
function itemKey(item: FabricItem): string {
  switch (item.type) {
    case 'transfer-link':
    case 'default-route':
    case 'snat':
      return item.vrf;
    case 'dnat':
      return item.publicAddress;
    case 'upstream-prefix':
      return item.prefix;
    case 'port-shaping':
      return `${item.interface} ${String(item.vlan).padStart(4, '0')} ${item.address}`;
    case 'floating-ip-shaping':
      return item.publicAddress;
    case 'service-link':
    case 'service-nat':
      return item.vrf;
    case 'service-route':
      return `${item.vrf} ${item.prefix}`;
    default:
      return '';
  }
}

function compareItems(a: FabricItem, b: FabricItem): number {
  if (typeOrder[a.type] !== typeOrder[b.type]) return typeOrder[a.type] - typeOrder[b.type];
  if (a.type === 'vrf' && b.type === 'vrf') return a.vrf < b.vrf ? -1 : a.vrf > b.vrf ? 1 : 0;
  if (a.type === 'prefix' && b.type === 'prefix') return comparePrefixes(a, b);
  if ('l2Vni' in a && 'l2Vni' in b) {
    if (a.l2Vni !== b.l2Vni) return a.l2Vni - b.l2Vni;
    const left = a.type === 'l2Vni-interface' ? a.interface : '';
    const right = b.type === 'l2Vni-interface' ? b.interface : '';
    return left < right ? -1 : left > right ? 1 : 0;
  }
  const left = itemKey(a);
  const right = itemKey(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function diffDevice(
  device: string,
  intended: DeviceState,
  actual: DeviceState,
): FabricDifference[] {
  const want = entries(intended);
  const have = entries(alignShaping(intended, actual));
  const differences: FabricDifference[] = [];
  for (const [key, { item, fields }] of want) {
    const found = have.get(key);
    if (!found) {
      differences.push({ kind: 'missing', device, item });
      continue;
    }
    const changed = Object.keys(fields)
      .filter((field) => !sameValue(fields[field], found.fields[field]))
      .map((field) => ({
        field,
        intended: fields[field] ?? '',
        actual: found.fields[field] ?? '',
      }));
    if (changed.length > 0) differences.push({ kind: 'different', device, item, fields: changed });
  }
  for (const [key, { item }] of have) {
    if (!want.has(key)) differences.push({ kind: 'unexpected', device, item });
  }
  return differences.sort((a, b) => compareItems(a.item, b.item));
}

/**
 * What differs between the configuration Loom intends and what the devices hold, device by
 * device in name order, item by item. Pure: both sides are normalised first, so list order and
 * duplicate route targets never count as drift; a device absent on one side counts as empty.
 */
export function diffFabric(intended: FabricState, actual: FabricState): FabricDifference[] {
  const want = normalizeFabricState(intended);
  const have = normalizeFabricState(actual);
  const devices = [...new Set([...Object.keys(want), ...Object.keys(have)])].sort();
  return devices.flatMap((device) =>
    diffDevice(device, want[device] ?? emptyDeviceState, have[device] ?? emptyDeviceState),
  );
}
