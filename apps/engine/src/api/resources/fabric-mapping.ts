import { DriftKind, type DriftItem, type FabricDrift } from '@loom/api-contract';
import type { FabricDifference, FabricItem, FieldValue } from '@loom/fabric';
import type { FabricDriftReport } from '@loom/network';

const kinds: Record<FabricDifference['kind'], DriftKind> = {
  missing: DriftKind.MISSING,
  unexpected: DriftKind.UNEXPECTED,
  different: DriftKind.DIFFERENT,
};

/** The item in words, as operators read it in `loomctl fabric drift`. */
export function describeFabricItem(item: FabricItem): string {
  switch (item.type) {
    case 'vrf':
      return `vrf ${item.vrf}`;
    case 'l2Vni':
      return `l2vni ${item.l2Vni}`;
    case 'l2Vni-interface':
      return `l2vni ${item.l2Vni} ${item.untagged ? 'access ' : ''}interface ${item.interface}`;
    case 'prefix':
      return `prefix ${item.prefix} vrf ${item.vrf}`;
    case 'transfer-link':
      return `transfer-link vrf ${item.vrf}`;
    case 'default-route':
      return `default-route vrf ${item.vrf}`;
    case 'snat':
      return `snat vrf ${item.vrf}`;
    case 'dnat':
      return `dnat ${item.publicAddress}`;
    case 'upstream-prefix':
      return `upstream-prefix ${item.prefix}`;
    case 'port-shaping':
      return `port-shaping ${item.interface} vlan ${item.vlan} ${item.address}`;
    case 'floating-ip-shaping':
      return `floating-ip-shaping ${item.publicAddress}`;
    case 'service-link':
      return `service-link vrf ${item.vrf}`;
    case 'service-route':
      return `service-route ${item.prefix} vrf ${item.vrf}`;
    case 'service-nat':
      return `service-nat vrf ${item.vrf}`;
  }
}

/** Device-model field names are camelCase; the API speaks snake_case like its protos. */
const snakeCase = (field: string): string =>
  field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

const text = (value: FieldValue): string =>
  Array.isArray(value) ? value.join(',') : String(value);

function toDriftItem(difference: FabricDifference): DriftItem {
  const { item } = difference;
  return {
    device: difference.device,
    kind: kinds[difference.kind],
    item: describeFabricItem(item),
    vrf: 'vrf' in item ? item.vrf : '',
    l2Vni: 'l2Vni' in item ? item.l2Vni : 0,
    interface: item.type === 'l2Vni-interface' ? item.interface : '',
    prefix:
      item.type === 'prefix' || item.type === 'upstream-prefix' || item.type === 'service-route'
        ? item.prefix
        : '',
    fields:
      difference.kind === 'different'
        ? difference.fields.map(({ field, intended, actual }) => ({
            field: snakeCase(field),
            intended: text(intended),
            actual: text(actual),
          }))
        : [],
  };
}

export function toFabricDrift(report: FabricDriftReport): FabricDrift {
  return {
    items: report.differences.map(toDriftItem),
    unreachableDevices: [...report.unreachable],
  };
}
