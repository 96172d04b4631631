import { gatewayStateOf, type DeviceState, type FabricOperation } from '@loom/fabric';

const byKey = <T>(items: readonly T[], key: (item: T) => string): Map<string, T> =>
  new Map(items.map((item) => [key(item), item]));

const same = (a: object | undefined, b: object | undefined): boolean =>
  a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);

/**
 * Pure: the gateway operations that take a gateway node's NAT state from `actual` to `intended`,
 * as removals (to run before VRFs are removed) and additions (after VRFs and BGP EVPN are there).
 * What depends on an item that goes goes first and comes back after it: the rules and route of a
 * transfer link that changes, the announcement of an address whose rule changes. `vrfGone` says
 * which VRFs the leaf part of the plan removes or recreates (their links must go first).
 */
export function gatewayConvergence(
  intended: DeviceState,
  actual: DeviceState,
  vrfGone: (vrf: string) => boolean,
): { removals: FabricOperation[]; additions: FabricOperation[] } {
  const want = gatewayStateOf(intended);
  const have = gatewayStateOf(actual);
  const wantLinks = byKey(want.transferLinks, (link) => link.vrf);
  const wantRoutes = byKey(want.defaultRoutes, (route) => route.vrf);
  const wantSnat = byKey(want.snatRules, (rule) => rule.vrf);
  const wantDnat = byKey(want.dnatRules, (rule) => rule.publicAddress);
  const haveLinks = byKey(have.transferLinks, (link) => link.vrf);
  const haveRoutes = byKey(have.defaultRoutes, (route) => route.vrf);
  const haveSnat = byKey(have.snatRules, (rule) => rule.vrf);
  const haveDnat = byKey(have.dnatRules, (rule) => rule.publicAddress);

  const linkChanges = new Set(
    have.transferLinks
      .filter((link) => vrfGone(link.vrf) || !same(link, wantLinks.get(link.vrf)))
      .map((link) => link.vrf),
  );
  const routeRemovals = have.defaultRoutes.filter(
    (route) => linkChanges.has(route.vrf) || !same(route, wantRoutes.get(route.vrf)),
  );
  const snatRemovals = have.snatRules.filter(
    (rule) => linkChanges.has(rule.vrf) || !same(rule, wantSnat.get(rule.vrf)),
  );
  const dnatRemovals = have.dnatRules.filter(
    (rule) => linkChanges.has(rule.vrf) || !same(rule, wantDnat.get(rule.publicAddress)),
  );
  const untranslated = new Set(
    [...snatRemovals, ...dnatRemovals].map((rule) => `${rule.publicAddress}/32`),
  );
  const withdrawals = have.upstreamPrefixes.filter(
    (prefix) => untranslated.has(prefix) || !want.upstreamPrefixes.includes(prefix),
  );

  const removals: FabricOperation[] = [
    ...withdrawals.map((prefix): FabricOperation => ({ kind: 'withdrawUpstream', prefix })),
    ...dnatRemovals.map(({ vrf, publicAddress }): FabricOperation => ({
      kind: 'removeDnat',
      vrf,
      publicAddress,
    })),
    ...snatRemovals.map(({ vrf }): FabricOperation => ({ kind: 'removeSnat', vrf })),
    ...routeRemovals.map(({ vrf }): FabricOperation => ({ kind: 'removeDefaultRoute', vrf })),
    ...[...linkChanges].map((vrf): FabricOperation => ({ kind: 'removeTransferLink', vrf })),
  ];
  const removed = <T>(list: readonly T[], item: T | undefined) =>
    item === undefined || list.includes(item);
  const additions: FabricOperation[] = [
    ...want.transferLinks
      .filter((link) => !haveLinks.has(link.vrf) || linkChanges.has(link.vrf))
      .map((link): FabricOperation => ({ kind: 'addTransferLink', ...link })),
    ...want.defaultRoutes
      .filter((route) => removed(routeRemovals, haveRoutes.get(route.vrf)))
      .map((route): FabricOperation => ({ kind: 'addDefaultRoute', ...route })),
    ...want.snatRules
      .filter((rule) => removed(snatRemovals, haveSnat.get(rule.vrf)))
      .map((rule): FabricOperation => ({ kind: 'addSnat', ...rule })),
    ...want.dnatRules
      .filter((rule) => removed(dnatRemovals, haveDnat.get(rule.publicAddress)))
      .map((rule): FabricOperation => ({ kind: 'addDnat', ...rule })),
    ...want.upstreamPrefixes
      .filter((prefix) => !have.upstreamPrefixes.includes(prefix) || withdrawals.includes(prefix))
      .map((prefix): FabricOperation => ({ kind: 'announceUpstream', prefix })),
  ];
  return { removals, additions };
}
