import {
  sameShapingLimit,
  shapingStateOf,
  type DeviceState,
  type FabricOperation,
} from '@loom/fabric';

const portKey = (entry: { interface: string; vlan: number; address: string }) =>
  `${entry.interface} ${entry.vlan} ${entry.address}`;

/**
 * Pure: wraps a device's plan (`operations`, without shaping) with the shaping operations that
 * take its shaping from `actual` to `intended`. Shaping goes first where it is not intended, or
 * where the plan takes away what it depends on (unbinds its interface from the VLAN, removes the
 * floating IP's DNAT rule); it comes back last where it is missing, differs (beyond the shaper's
 * clock, sameShapingLimit) or went first.
 */
export function withShapingConvergence(
  intended: DeviceState,
  actual: DeviceState,
  operations: readonly FabricOperation[],
): FabricOperation[] {
  const want = shapingStateOf(intended);
  const have = shapingStateOf(actual);
  const unbound = new Set(
    operations.flatMap((operation) =>
      operation.kind === 'unbindL2Vni' ? [`${operation.interface} ${operation.vlan}`] : [],
    ),
  );
  const untranslated = new Set(
    operations.flatMap((operation) =>
      operation.kind === 'removeDnat' ? [operation.publicAddress] : [],
    ),
  );
  const wantPorts = new Map(want.ports.map((entry) => [portKey(entry), entry]));
  const wantFloatingIps = new Map(want.floatingIps.map((entry) => [entry.publicAddress, entry]));
  const portRemovals = have.ports.filter(
    (entry) => !wantPorts.has(portKey(entry)) || unbound.has(`${entry.interface} ${entry.vlan}`),
  );
  const floatingIpRemovals = have.floatingIps.filter(
    (entry) =>
      wantFloatingIps.get(entry.publicAddress)?.vrf !== entry.vrf ||
      untranslated.has(entry.publicAddress),
  );
  const removedPorts = new Set(portRemovals.map(portKey));
  const removedFloatingIps = new Set(floatingIpRemovals.map((entry) => entry.publicAddress));
  const same = (
    a: {
      ingress: Parameters<typeof sameShapingLimit>[0];
      egress: Parameters<typeof sameShapingLimit>[0];
    },
    b: typeof a | undefined,
  ) =>
    b !== undefined &&
    sameShapingLimit(a.ingress, b.ingress) &&
    sameShapingLimit(a.egress, b.egress);
  const havePorts = new Map(have.ports.map((entry) => [portKey(entry), entry]));
  const haveFloatingIps = new Map(have.floatingIps.map((entry) => [entry.publicAddress, entry]));
  return [
    ...portRemovals.map(({ interface: iface, vlan, address }): FabricOperation => ({
      kind: 'unshapePort',
      interface: iface,
      vlan,
      address,
    })),
    ...floatingIpRemovals.map(({ vrf, publicAddress }): FabricOperation => ({
      kind: 'unshapeFloatingIp',
      vrf,
      publicAddress,
    })),
    ...operations,
    ...want.ports
      .filter(
        (entry) => removedPorts.has(portKey(entry)) || !same(entry, havePorts.get(portKey(entry))),
      )
      .map((entry): FabricOperation => ({ kind: 'shapePort', ...entry })),
    ...want.floatingIps
      .filter(
        (entry) =>
          removedFloatingIps.has(entry.publicAddress) ||
          !same(entry, haveFloatingIps.get(entry.publicAddress)),
      )
      .map((entry): FabricOperation => ({ kind: 'shapeFloatingIp', ...entry })),
  ];
}
