import type { FailureReason } from '../operations/operation-outcome';
import type {
  AddServiceLink,
  AddServiceNat,
  AddServiceRoute,
  ServiceOperation,
} from '../operations/service-operation';
import type { FabricDevice } from '../topology/topology';
import { serviceStateOf, type DeviceState, type ServiceState } from './fabric-state';

/** A border leaf's answer to a service IP operation; the same shape as device-model's. */
export type ServiceResult =
  | { readonly status: 'changed'; readonly state: DeviceState }
  | { readonly status: 'unchanged' }
  | { readonly status: 'failed'; readonly reason: FailureReason; readonly message: string };

const unchanged: ServiceResult = { status: 'unchanged' };

function failed(reason: FailureReason, message: string): ServiceResult {
  return { status: 'failed', reason, message };
}

function withService(state: DeviceState, service: Partial<ServiceState>): ServiceResult {
  return {
    status: 'changed',
    state: { ...state, service: { ...serviceStateOf(state), ...service } },
  };
}

const hostOf = (address: string): string => address.split('/')[0] ?? address;

/** What still uses the VRF's service link, for a refusal's message. */
function linkUsers(service: ServiceState, vrf: string): string[] {
  return [
    ...service.routes.filter((route) => route.vrf === vrf).map((route) => route.prefix),
    ...service.nats.filter((nat) => nat.vrf === vrf).map((nat) => `NAT to ${nat.address}`),
  ];
}

/** Whether `vrf` has a service link here: deleteVrf waits for it to go. */
export function hasServiceLink(state: DeviceState, vrf: string): boolean {
  return serviceStateOf(state).links.some((link) => link.vrf === vrf);
}

/** The management prefixes `vrf` announces here: removeBgpEvpn waits for them to go. */
export function serviceRoutesOf(state: DeviceState, vrf: string): string[] {
  return serviceStateOf(state)
    .routes.filter((route) => route.vrf === vrf)
    .map((route) => route.prefix);
}

function addLink(state: DeviceState, op: AddServiceLink): ServiceResult {
  const service = serviceStateOf(state);
  const existing = service.links.find((link) => link.vrf === op.vrf);
  if (existing) {
    return existing.vrfAddress === op.vrfAddress && existing.nodeAddress === op.nodeAddress
      ? unchanged
      : failed(
          'conflict',
          `VRF ${op.vrf} already has a service link ${existing.vrfAddress} - ${existing.nodeAddress}`,
        );
  }
  if (!state.vrfs.some((vrf) => vrf.name === op.vrf)) {
    return failed('not-found', `VRF ${op.vrf} does not exist`);
  }
  const taken = new Set([op.vrfAddress, op.nodeAddress].map(hostOf));
  const owner = service.links.find(
    (link) => taken.has(hostOf(link.vrfAddress)) || taken.has(hostOf(link.nodeAddress)),
  );
  if (owner) {
    return failed('conflict', `the service link of VRF ${owner.vrf} already uses these addresses`);
  }
  const { vrf, vrfAddress, nodeAddress } = op;
  return withService(state, { links: [...service.links, { vrf, vrfAddress, nodeAddress }] });
}

function removeLink(state: DeviceState, vrf: string): ServiceResult {
  const service = serviceStateOf(state);
  if (!service.links.some((link) => link.vrf === vrf)) return unchanged;
  const users = linkUsers(service, vrf);
  if (users.length > 0) {
    return failed('dependency', `the service link of VRF ${vrf} still carries ${users.join(', ')}`);
  }
  return withService(state, { links: service.links.filter((link) => link.vrf !== vrf) });
}

function addRoute(state: DeviceState, op: AddServiceRoute): ServiceResult {
  const service = serviceStateOf(state);
  if (service.routes.some((route) => route.vrf === op.vrf && route.prefix === op.prefix)) {
    return unchanged;
  }
  if (!service.links.some((link) => link.vrf === op.vrf)) {
    return failed('dependency', `VRF ${op.vrf} has no service link`);
  }
  // The prefix reaches the VPC's leaves as a type-5 route: without BGP EVPN nothing would.
  if (!state.vrfs.find((vrf) => vrf.name === op.vrf)?.bgpEvpn) {
    return failed('dependency', `VRF ${op.vrf} has no BGP EVPN to announce ${op.prefix} through`);
  }
  const { vrf, prefix } = op;
  return withService(state, { routes: [...service.routes, { vrf, prefix }] });
}

function removeRoute(state: DeviceState, vrf: string, prefix: string): ServiceResult {
  const service = serviceStateOf(state);
  const routes = service.routes.filter((route) => route.vrf !== vrf || route.prefix !== prefix);
  return routes.length === service.routes.length ? unchanged : withService(state, { routes });
}

function addNat(state: DeviceState, op: AddServiceNat): ServiceResult {
  const service = serviceStateOf(state);
  const existing = service.nats.find((nat) => nat.vrf === op.vrf);
  if (existing) {
    return existing.address === op.address
      ? unchanged
      : failed('conflict', `VRF ${op.vrf} is already translated to ${existing.address}`);
  }
  const link = service.links.find((entry) => entry.vrf === op.vrf);
  if (!link) return failed('dependency', `VRF ${op.vrf} has no service link`);
  if (hostOf(link.vrfAddress) !== op.address) {
    return failed(
      'invalid',
      `${op.address} is not the VRF end of VRF ${op.vrf}'s service link (${link.vrfAddress})`,
    );
  }
  const { vrf, address } = op;
  return withService(state, { nats: [...service.nats, { vrf, address }] });
}

function removeNat(state: DeviceState, vrf: string): ServiceResult {
  const service = serviceStateOf(state);
  const nats = service.nats.filter((nat) => nat.vrf !== vrf);
  return nats.length === service.nats.length ? unchanged : withService(state, { nats });
}

/**
 * A service node's answer to a service IP operation: pure, all or nothing, "ensure" semantics
 * like every operation. Only border leaves (the service nodes, facing the management network)
 * accept them.
 */
export function applyServiceOperation(
  device: FabricDevice,
  state: DeviceState,
  operation: ServiceOperation,
): ServiceResult {
  if (device.role !== 'border-leaf') {
    return failed('unsupported', `${device.name} is a ${device.role}, not a border leaf`);
  }
  switch (operation.kind) {
    case 'addServiceLink':
      return addLink(state, operation);
    case 'removeServiceLink':
      return removeLink(state, operation.vrf);
    case 'addServiceRoute':
      return addRoute(state, operation);
    case 'removeServiceRoute':
      return removeRoute(state, operation.vrf, operation.prefix);
    case 'addServiceNat':
      return addNat(state, operation);
    case 'removeServiceNat':
      return removeNat(state, operation.vrf);
  }
}
