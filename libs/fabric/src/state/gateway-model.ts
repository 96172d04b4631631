import type {
  AddDefaultRoute,
  AddDnat,
  AddSnat,
  AddTransferLink,
  GatewayOperation,
} from '../operations/gateway-operation';
import type { FailureReason } from '../operations/operation-outcome';
import type { FabricDevice } from '../topology/topology';
import { gatewayStateOf, type DeviceState, type GatewayState } from './fabric-state';
import { isFloatingIpShaped } from './shaping-model';

/** A gateway node's answer to a gateway operation; the same shape as device-model's. */
export type GatewayResult =
  | { readonly status: 'changed'; readonly state: DeviceState }
  | { readonly status: 'unchanged' }
  | { readonly status: 'failed'; readonly reason: FailureReason; readonly message: string };

const unchanged: GatewayResult = { status: 'unchanged' };

function failed(reason: FailureReason, message: string): GatewayResult {
  return { status: 'failed', reason, message };
}

function withGateway(state: DeviceState, gateway: Partial<GatewayState>): GatewayResult {
  return {
    status: 'changed',
    state: { ...state, gateway: { ...gatewayStateOf(state), ...gateway } },
  };
}

function hostOf(address: string): string {
  return address.split('/')[0] ?? address;
}

/** What still uses the VRF's transfer link on this node, for a refusal's message. */
export function transferLinkUsers(gateway: GatewayState, vrf: string): string[] {
  return [
    ...gateway.defaultRoutes.filter((route) => route.vrf === vrf).map(() => 'a default route'),
    ...gateway.snatRules
      .filter((rule) => rule.vrf === vrf)
      .map((rule) => `SNAT to ${rule.publicAddress}`),
    ...gateway.dnatRules
      .filter((rule) => rule.vrf === vrf)
      .map((rule) => `DNAT of ${rule.publicAddress}`),
  ];
}

/** Who translates `address` on this node (an SNAT or a DNAT rule), if anyone. */
function translatorOf(gateway: GatewayState, address: string): string | undefined {
  const snat = gateway.snatRules.find((rule) => rule.publicAddress === address);
  if (snat) return `the SNAT of VRF ${snat.vrf}`;
  const dnat = gateway.dnatRules.find((rule) => rule.publicAddress === address);
  return dnat ? `the DNAT of VRF ${dnat.vrf} to ${dnat.privateAddress}` : undefined;
}

function addTransferLink(state: DeviceState, op: AddTransferLink): GatewayResult {
  const gateway = gatewayStateOf(state);
  const existing = gateway.transferLinks.find((link) => link.vrf === op.vrf);
  if (existing) {
    if (existing.vrfAddress === op.vrfAddress && existing.gatewayAddress === op.gatewayAddress) {
      return unchanged;
    }
    return failed(
      'conflict',
      `VRF ${op.vrf} already has a transfer link ${existing.vrfAddress} - ${existing.gatewayAddress}`,
    );
  }
  if (!state.vrfs.some((vrf) => vrf.name === op.vrf)) {
    return failed('not-found', `VRF ${op.vrf} does not exist`);
  }
  const taken = new Set([op.vrfAddress, op.gatewayAddress].map(hostOf));
  const owner = gateway.transferLinks.find(
    (link) => taken.has(hostOf(link.vrfAddress)) || taken.has(hostOf(link.gatewayAddress)),
  );
  if (owner) {
    return failed('conflict', `the transfer link of VRF ${owner.vrf} already uses these addresses`);
  }
  return withGateway(state, {
    transferLinks: [
      ...gateway.transferLinks,
      { ...pick(op, 'vrf', 'vrfAddress', 'gatewayAddress') },
    ],
  });
}

function removeTransferLink(state: DeviceState, vrf: string): GatewayResult {
  const gateway = gatewayStateOf(state);
  if (!gateway.transferLinks.some((link) => link.vrf === vrf)) return unchanged;
  const users = transferLinkUsers(gateway, vrf);
  if (users.length > 0) {
    return failed(
      'dependency',
      `the transfer link of VRF ${vrf} still carries ${users.join(', ')}`,
    );
  }
  return withGateway(state, {
    transferLinks: gateway.transferLinks.filter((link) => link.vrf !== vrf),
  });
}

function addDefaultRoute(state: DeviceState, op: AddDefaultRoute): GatewayResult {
  const gateway = gatewayStateOf(state);
  const existing = gateway.defaultRoutes.find((route) => route.vrf === op.vrf);
  if (existing) {
    return existing.nextHop === op.nextHop
      ? unchanged
      : failed('conflict', `VRF ${op.vrf} already routes by default to ${existing.nextHop}`);
  }
  const link = gateway.transferLinks.find((entry) => entry.vrf === op.vrf);
  if (!link) return failed('dependency', `VRF ${op.vrf} has no transfer link`);
  if (hostOf(link.gatewayAddress) !== op.nextHop) {
    return failed(
      'invalid',
      `next hop ${op.nextHop} is not the gateway end of VRF ${op.vrf}'s transfer link (${link.gatewayAddress})`,
    );
  }
  if (!state.vrfs.find((vrf) => vrf.name === op.vrf)?.bgpEvpn) {
    return failed(
      'dependency',
      `VRF ${op.vrf} has no BGP EVPN to announce its default route through`,
    );
  }
  return withGateway(state, {
    defaultRoutes: [...gateway.defaultRoutes, { vrf: op.vrf, nextHop: op.nextHop }],
  });
}

function addSnat(state: DeviceState, op: AddSnat): GatewayResult {
  const gateway = gatewayStateOf(state);
  const existing = gateway.snatRules.find((rule) => rule.vrf === op.vrf);
  if (existing) {
    return existing.publicAddress === op.publicAddress
      ? unchanged
      : failed(
          'conflict',
          `VRF ${op.vrf} already leaves through SNAT to ${existing.publicAddress}`,
        );
  }
  if (!gateway.transferLinks.some((link) => link.vrf === op.vrf)) {
    return failed('dependency', `VRF ${op.vrf} has no transfer link`);
  }
  const owner = translatorOf(gateway, op.publicAddress);
  if (owner) return failed('conflict', `${op.publicAddress} is already ${owner}'s`);
  return withGateway(state, {
    snatRules: [...gateway.snatRules, { vrf: op.vrf, publicAddress: op.publicAddress }],
  });
}

function addDnat(state: DeviceState, op: AddDnat): GatewayResult {
  const gateway = gatewayStateOf(state);
  const existing = gateway.dnatRules.find((rule) => rule.publicAddress === op.publicAddress);
  if (existing) {
    return existing.vrf === op.vrf && existing.privateAddress === op.privateAddress
      ? unchanged
      : failed(
          'conflict',
          `${op.publicAddress} is already translated to ${existing.privateAddress} in VRF ${existing.vrf}`,
        );
  }
  if (!gateway.transferLinks.some((link) => link.vrf === op.vrf)) {
    return failed('dependency', `VRF ${op.vrf} has no transfer link`);
  }
  const owner = translatorOf(gateway, op.publicAddress);
  if (owner) return failed('conflict', `${op.publicAddress} is already ${owner}'s`);
  const sameHost = gateway.dnatRules.find(
    (rule) => rule.vrf === op.vrf && rule.privateAddress === op.privateAddress,
  );
  if (sameHost) {
    return failed(
      'conflict',
      `${op.privateAddress} in VRF ${op.vrf} already has ${sameHost.publicAddress}`,
    );
  }
  return withGateway(state, {
    dnatRules: [...gateway.dnatRules, pick(op, 'vrf', 'publicAddress', 'privateAddress')],
  });
}

function removeNat(
  state: DeviceState,
  matches: (rule: { vrf: string; publicAddress: string }) => boolean,
  which: 'snatRules' | 'dnatRules',
): GatewayResult {
  const gateway = gatewayStateOf(state);
  const rules: readonly { vrf: string; publicAddress: string }[] = gateway[which];
  const rule = rules.find(matches);
  if (!rule) return unchanged;
  if (gateway.upstreamPrefixes.includes(`${rule.publicAddress}/32`)) {
    return failed('dependency', `${rule.publicAddress}/32 is still announced upstream`);
  }
  if (which === 'dnatRules' && isFloatingIpShaped(state, rule.vrf, rule.publicAddress)) {
    return failed('dependency', `${rule.publicAddress} is still shaped`);
  }
  return withGateway(state, { [which]: rules.filter((entry) => entry !== rule) });
}

function announceUpstream(state: DeviceState, prefix: string): GatewayResult {
  const gateway = gatewayStateOf(state);
  if (gateway.upstreamPrefixes.includes(prefix)) return unchanged;
  const [address, length] = prefix.split('/');
  if (length !== '32' || translatorOf(gateway, address ?? '') === undefined) {
    return failed('dependency', `no SNAT or DNAT rule on this node holds ${prefix}`);
  }
  return withGateway(state, { upstreamPrefixes: [...gateway.upstreamPrefixes, prefix] });
}

function pick<T extends object, K extends keyof T>(value: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, value[key]])) as Pick<T, K>;
}

/**
 * A gateway node's answer to a gateway operation: pure, all or nothing, an ensure like every
 * operation. Nothing is removed while something depends on it (a link with routes or NAT rules,
 * a NAT rule whose address is announced), so each operation's inverse restores the state before.
 */
export function applyGatewayOperation(
  device: FabricDevice,
  state: DeviceState,
  operation: GatewayOperation,
): GatewayResult {
  if (device.role !== 'gateway') {
    return failed('unsupported', `${device.name} is a ${device.role}, not a gateway node`);
  }
  const gateway = gatewayStateOf(state);
  switch (operation.kind) {
    case 'addTransferLink':
      return addTransferLink(state, operation);
    case 'removeTransferLink':
      return removeTransferLink(state, operation.vrf);
    case 'addDefaultRoute':
      return addDefaultRoute(state, operation);
    case 'removeDefaultRoute':
      return gateway.defaultRoutes.some((route) => route.vrf === operation.vrf)
        ? withGateway(state, {
            defaultRoutes: gateway.defaultRoutes.filter((route) => route.vrf !== operation.vrf),
          })
        : unchanged;
    case 'addSnat':
      return addSnat(state, operation);
    case 'removeSnat':
      return removeNat(state, (rule) => rule.vrf === operation.vrf, 'snatRules');
    case 'addDnat':
      return addDnat(state, operation);
    case 'removeDnat':
      return removeNat(
        state,
        (rule) => rule.vrf === operation.vrf && rule.publicAddress === operation.publicAddress,
        'dnatRules',
      );
    case 'announceUpstream':
      return announceUpstream(state, operation.prefix);
    case 'withdrawUpstream':
      return gateway.upstreamPrefixes.includes(operation.prefix)
        ? withGateway(state, {
            upstreamPrefixes: gateway.upstreamPrefixes.filter(
              (entry) => entry !== operation.prefix,
            ),
          })
        : unchanged;
  }
}
