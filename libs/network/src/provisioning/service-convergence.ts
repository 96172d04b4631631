import { serviceStateOf, type DeviceState, type FabricOperation } from '@loom/fabric';

const same = (a: object | undefined, b: object | undefined): boolean =>
  a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);

/**
 * Pure: the service IP operations that take a border leaf's service state from `actual` to
 * `intended`, as removals (before VRFs and their BGP EVPN are removed) and additions (after they
 * are there). The routes and translation of a link that changes go first and come back after it.
 * `vrfGone` says which VRFs the leaf part of the plan removes or recreates.
 */
export function serviceConvergence(
  intended: DeviceState,
  actual: DeviceState,
  vrfGone: (vrf: string) => boolean,
): { removals: FabricOperation[]; additions: FabricOperation[] } {
  const want = serviceStateOf(intended);
  const have = serviceStateOf(actual);
  const wantLink = (vrf: string) => want.links.find((link) => link.vrf === vrf);
  const changedLinks = new Set(
    have.links
      .filter((link) => vrfGone(link.vrf) || !same(link, wantLink(link.vrf)))
      .map((link) => link.vrf),
  );
  const routeKey = (route: { vrf: string; prefix: string }) => `${route.vrf} ${route.prefix}`;
  const wantRoutes = new Set(want.routes.map(routeKey));
  const routeRemovals = have.routes.filter(
    (route) => changedLinks.has(route.vrf) || !wantRoutes.has(routeKey(route)),
  );
  const natRemovals = have.nats.filter(
    (nat) =>
      changedLinks.has(nat.vrf) ||
      !same(
        nat,
        want.nats.find((entry) => entry.vrf === nat.vrf),
      ),
  );
  const kept = <T extends object>(list: readonly T[], removed: readonly T[], item: T) =>
    list.some((entry) => same(entry, item)) && !removed.some((entry) => same(entry, item));
  return {
    removals: [
      ...natRemovals.map(({ vrf }): FabricOperation => ({ kind: 'removeServiceNat', vrf })),
      ...routeRemovals.map(({ vrf, prefix }): FabricOperation => ({
        kind: 'removeServiceRoute',
        vrf,
        prefix,
      })),
      ...[...changedLinks].map((vrf): FabricOperation => ({ kind: 'removeServiceLink', vrf })),
    ],
    additions: [
      ...want.links
        .filter((link) => !kept(have.links, [], link) || changedLinks.has(link.vrf))
        .map((link): FabricOperation => ({ kind: 'addServiceLink', ...link })),
      ...want.routes
        .filter((route) => !kept(have.routes, routeRemovals, route))
        .map((route): FabricOperation => ({ kind: 'addServiceRoute', ...route })),
      ...want.nats
        .filter((nat) => !kept(have.nats, natRemovals, nat))
        .map((nat): FabricOperation => ({ kind: 'addServiceNat', ...nat })),
    ],
  };
}
