import {
  normalizeDeviceState,
  type DeviceState,
  type FabricOperation,
  type L2VniState,
  type VrfState,
} from '@loom/fabric';
import { gatewayConvergence } from './gateway-convergence';
import { serviceConvergence } from './service-convergence';
import { withShapingConvergence } from './shaping-convergence';

/** The operations that take one device from its actual configuration to the intended one. */
export interface ConvergencePlan {
  readonly operations: readonly FabricOperation[];
  /** Drift the plan leaves alone on purpose, each with the reason; empty when it converges. */
  readonly unresolved: readonly string[];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** What createVrf sets; a VRF differing in these can only be deleted and created again. */
function sameVrfIdentity(a: VrfState, b: VrfState): boolean {
  return (
    a.l3Vni === b.l3Vni &&
    a.rd === b.rd &&
    sameList(a.importRts, b.importRts) &&
    sameList(a.exportRts, b.exportRts)
  );
}

/** What bindL2Vni sets besides the interface; a device refuses to change these in place. */
function sameL2Settings(a: L2VniState, b: L2VniState): boolean {
  return (
    a.vrf === b.vrf &&
    a.vlan === b.vlan &&
    a.anycastGateway === b.anycastGateway &&
    a.gatewayMac === b.gatewayMac
  );
}

const byKey = <T, K>(items: readonly T[], key: (item: T) => K): Map<K, T> =>
  new Map(items.map((item) => [key(item), item]));

/**
 * Pure: the operations, in an order the device accepts, that make `actual` equal `intended`.
 * Removals come first (bindings, announced prefixes, BGP EVPN, then VRFs, each only after what
 * depends on it), then creations (VRFs, BGP EVPN, bindings, prefixes), so that nothing is created
 * into a VLAN, VNI or RD an unexpected item still holds. Settings a device cannot change in place
 * are removed and created again: an L2 VNI with other settings is unbound from all its interfaces
 * and bound anew; a VRF with another identity (L3 VNI, RD, RTs) is recreated only when no intended
 * binding still uses it, since that would cut tenant traffic the intent wants; otherwise it is
 * left alone and reported as unresolved. A gateway node's NAT state (gatewayConvergence) goes
 * before the VRFs and comes back after them.
 */
export function convergencePlan(
  intendedState: DeviceState,
  actualState: DeviceState,
): ConvergencePlan {
  const intended = normalizeDeviceState(intendedState);
  const actual = normalizeDeviceState(actualState);
  const wantVrfs = byKey(intended.vrfs, (vrf) => vrf.name);
  const haveVrfs = byKey(actual.vrfs, (vrf) => vrf.name);
  const wantL2 = byKey(intended.l2Vnis, (l2) => l2.l2Vni);
  const haveL2 = byKey(actual.l2Vnis, (l2) => l2.l2Vni);
  const wantPrefixes = new Set(intended.prefixes.map(({ vrf, prefix }) => `${vrf} ${prefix}`));
  const havePrefixes = new Set(actual.prefixes.map(({ vrf, prefix }) => `${vrf} ${prefix}`));

  /**
   * The actual bindings of an L2 VNI that stay: same settings and an intended interface on it, in
   * the same mode (trunk, or untagged: an access port).
   */
  const keptInterfaces = (l2: L2VniState, untagged = false): string[] => {
    const want = wantL2.get(l2.l2Vni);
    if (!want || !sameL2Settings(want, l2)) return [];
    const wanted = untagged ? (want.untaggedInterfaces ?? []) : want.interfaces;
    return (untagged ? (l2.untaggedInterfaces ?? []) : l2.interfaces).filter((name) =>
      wanted.includes(name),
    );
  };
  const unresolved: string[] = [];
  const recreate = new Set<string>();
  for (const have of actual.vrfs) {
    const want = wantVrfs.get(have.name);
    if (!want || sameVrfIdentity(want, have)) continue;
    const inUse = actual.l2Vnis.filter(
      (l2) =>
        l2.vrf === have.name && keptInterfaces(l2).length + keptInterfaces(l2, true).length > 0,
    );
    if (inUse.length === 0) recreate.add(have.name);
    else {
      unresolved.push(
        `vrf ${have.name}: its L3 VNI, RD or route targets differ, but L2 VNIs ` +
          `${inUse.map((l2) => l2.l2Vni).join(', ')} still carry traffic in it; recreate it by hand`,
      );
    }
  }
  const gone = (vrf: string): boolean => !wantVrfs.has(vrf) || recreate.has(vrf);

  const gateway = gatewayConvergence(intended, actual, gone);
  const service = serviceConvergence(intended, actual, gone);
  const operations: FabricOperation[] = [...gateway.removals, ...service.removals];
  for (const l2 of actual.l2Vnis) {
    const kept = keptInterfaces(l2);
    for (const name of l2.interfaces.filter((candidate) => !kept.includes(candidate))) {
      operations.push({ kind: 'unbindL2Vni', l2Vni: l2.l2Vni, vlan: l2.vlan, interface: name });
    }
    const keptAccess = keptInterfaces(l2, true);
    for (const name of (l2.untaggedInterfaces ?? []).filter((one) => !keptAccess.includes(one))) {
      operations.push({
        kind: 'unbindL2Vni',
        l2Vni: l2.l2Vni,
        vlan: l2.vlan,
        interface: name,
        untagged: true,
      });
    }
  }
  for (const { vrf, prefix } of actual.prefixes) {
    if (!wantPrefixes.has(`${vrf} ${prefix}`) || recreate.has(vrf)) {
      operations.push({ kind: 'withdrawPrefix', vrf, prefix });
    }
  }
  for (const have of actual.vrfs) {
    if (have.bgpEvpn && (gone(have.name) || !wantVrfs.get(have.name)?.bgpEvpn)) {
      operations.push({ kind: 'removeBgpEvpn', vrf: have.name });
    }
  }
  for (const have of actual.vrfs) {
    if (gone(have.name)) operations.push({ kind: 'deleteVrf', vrf: have.name });
  }

  for (const want of intended.vrfs) {
    const have = haveVrfs.get(want.name);
    const created = !have || recreate.has(want.name);
    if (created) {
      const { name: vrf, l3Vni, rd, importRts, exportRts } = want;
      operations.push({ kind: 'createVrf', vrf, l3Vni, rd, importRts, exportRts });
    }
    if (want.bgpEvpn && (created || !have.bgpEvpn)) {
      operations.push({ kind: 'configureBgpEvpn', vrf: want.name });
    }
  }
  for (const want of intended.l2Vnis) {
    const have = haveL2.get(want.l2Vni);
    const kept = have ? keptInterfaces(have) : [];
    const keptAccess = have ? keptInterfaces(have, true) : [];
    const { l2Vni, vrf, vlan, anycastGateway, gatewayMac } = want;
    const bind = { kind: 'bindL2Vni', l2Vni, vrf, vlan, anycastGateway, gatewayMac } as const;
    for (const name of want.interfaces.filter((candidate) => !kept.includes(candidate))) {
      operations.push({ ...bind, interface: name });
    }
    for (const name of (want.untaggedInterfaces ?? []).filter((one) => !keptAccess.includes(one))) {
      operations.push({ ...bind, interface: name, untagged: true });
    }
  }
  for (const { vrf, prefix } of intended.prefixes) {
    if (!havePrefixes.has(`${vrf} ${prefix}`) || recreate.has(vrf)) {
      operations.push({ kind: 'announcePrefix', vrf, prefix });
    }
  }
  operations.push(...gateway.additions, ...service.additions);
  return { operations: withShapingConvergence(intended, actual, operations), unresolved };
}
