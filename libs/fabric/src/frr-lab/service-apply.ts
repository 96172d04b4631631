// The service IP operations on a lab border leaf: the service link (a veth from the VPC VRF's
// namespace to the leaf's own namespace, where the management network is), the leaked
// management prefixes (kernel routes in the VRF's namespace, exported into the VPC as type-5
// routes by `redistribute kernel`), and the translation (an nftables table in the VRF's namespace).
import type { ServiceOperation } from '../operations/service-operation';
import { serviceStateOf, type DeviceState } from '../state/fabric-state';
import type { DeviceChange } from './device-change';
import { configure } from './frr-daemons';
import { bgpVrf } from './frr-vrf-apply';
import { ip } from './run-command';
import type { TenantVrfs } from './tenant-vrfs';

/** The service link's ends: on the border leaf (management side) and in the VRF. */
export const serviceNodeEnd = (l3Vni: number): string => `sn${l3Vni}`;
export const serviceVrfEnd = (l3Vni: number): string => `sv${l3Vni}`;
export const serviceAlias = (vrf: string): string => `loom service vrf=${vrf}`;

export function parseServiceAlias(alias: string | undefined): string | undefined {
  return /^loom service vrf=(\S+)$/.exec(alias ?? '')?.[1];
}

/** The VRF's service NAT: its own table, so that no other rule of the namespace is touched. */
export const serviceTable = ['ip', 'loom-service'] as const;
export const serviceComments = { snat: 'loom service snat', guard: 'loom service guard' };

const hostOf = (address: string): string => address.split('/')[0] ?? address;

function l3VniOf(before: DeviceState, vrf: string): number {
  const l3Vni = before.vrfs.find((entry) => entry.name === vrf)?.l3Vni;
  if (l3Vni === undefined) throw new Error(`no VRF ${vrf} on the border leaf`);
  return l3Vni;
}

function linkOf(before: DeviceState, vrf: string) {
  const link = serviceStateOf(before).links.find((entry) => entry.vrf === vrf);
  if (!link) throw new Error(`no service link for VRF ${vrf} on the border leaf`);
  return { ...link, l3Vni: l3VniOf(before, vrf) };
}

/** `redistribute kernel` in the VRF's BGP instance: the service routes become type-5 routes. */
async function setRedistribution(change: DeviceChange, vrf: string, on: boolean) {
  const lines = (no: string) => [
    bgpVrf(change.device, vrf),
    'address-family ipv4 unicast',
    `${no}redistribute kernel`,
    'exit-address-family',
    'exit',
  ];
  change.undo.push(() => configure(change.device, lines(on ? 'no ' : '')));
  await configure(change.device, lines(on ? '' : 'no '));
}

async function addLink(
  change: DeviceChange,
  before: DeviceState,
  op: Extract<ServiceOperation, { kind: 'addServiceLink' }>,
): Promise<void> {
  const { device, vrfs, undo } = change;
  const l3Vni = l3VniOf(before, op.vrf);
  const [outer, inner] = [serviceNodeEnd(l3Vni), serviceVrfEnd(l3Vni)];
  // A link left by an operation that lost its reply is made again.
  await ip(device.namespace, 'link', 'delete', outer).catch(() => undefined);
  await ip(device.namespace, 'link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
  // Deleting one end deletes the other, wherever it is by then.
  undo.push(() => ip(device.namespace, 'link', 'delete', outer));
  await ip(device.namespace, 'link', 'set', outer, 'alias', serviceAlias(op.vrf));
  await vrfs.adopt(op.vrf, inner);
  await vrfs.attachBridge(op.vrf, inner);
  await vrfs.ip(op.vrf, 'addr', 'add', op.vrfAddress, 'dev', inner);
  await vrfs.ip(op.vrf, 'link', 'set', inner, 'up');
  await ip(device.namespace, 'addr', 'add', op.nodeAddress, 'dev', outer);
  await ip(device.namespace, 'link', 'set', outer, 'up');
  await setRedistribution(change, op.vrf, true);
}

async function removeLink(change: DeviceChange, before: DeviceState, vrf: string) {
  const link = linkOf(before, vrf);
  await setRedistribution(change, vrf, false);
  await ip(change.device.namespace, 'link', 'delete', serviceNodeEnd(link.l3Vni));
}

async function setRoute(change: DeviceChange, before: DeviceState, vrf: string, prefix: string) {
  const link = linkOf(before, vrf);
  const route = [prefix, 'via', hostOf(link.nodeAddress), 'dev', serviceVrfEnd(link.l3Vni)];
  await change.vrfs.ip(vrf, 'route', 'replace', ...route);
  change.undo.push(() => change.vrfs.ip(vrf, 'route', 'delete', prefix));
}

async function deleteRoute(change: DeviceChange, before: DeviceState, vrf: string, prefix: string) {
  await change.vrfs.ip(vrf, 'route', 'delete', prefix);
  change.undo.push(() => setRoute(change, before, vrf, prefix));
}

/**
 * The VRF's translation table, made in one nftables transaction: what leaves through the link
 * leaves from `address`; what arrives through it may only answer a connection the VRF opened
 * (the management side opens none, to the VRF's own address or through it).
 */
function natScript(link: string, address: string): string {
  const guard = `iifname "${link}" ct state new drop comment "${serviceComments.guard}";`;
  return [
    `table ${serviceTable.join(' ')} {`,
    ' chain postrouting { type nat hook postrouting priority srcnat; policy accept;',
    `  oifname "${link}" snat to ${address} comment "${serviceComments.snat}"; }`,
    ` chain input { type filter hook input priority filter; policy accept; ${guard} }`,
    ` chain forward { type filter hook forward priority filter; policy accept; ${guard} }`,
    '}',
  ].join('\n');
}

async function deleteNatTable(vrfs: TenantVrfs, vrf: string): Promise<void> {
  await vrfs.exec(vrf, 'nft', 'delete', 'table', ...serviceTable).catch((error: unknown) => {
    if (!(error instanceof Error && /No such file or directory/.test(error.message))) throw error;
  });
}

async function addNat(change: DeviceChange, before: DeviceState, vrf: string, address: string) {
  const link = linkOf(before, vrf);
  // A table a lost reply or drift left half made goes first: the whole table is made at once.
  await deleteNatTable(change.vrfs, vrf);
  await change.vrfs.exec(vrf, 'nft', natScript(serviceVrfEnd(link.l3Vni), address));
  change.undo.push(() => deleteNatTable(change.vrfs, vrf));
}

/** Makes the border leaf go from `before` for service operation `op` (the device model allowed it). */
export async function applyServiceOperation(
  change: DeviceChange,
  before: DeviceState,
  op: ServiceOperation,
): Promise<void> {
  switch (op.kind) {
    case 'addServiceLink':
      return addLink(change, before, op);
    case 'removeServiceLink':
      return removeLink(change, before, op.vrf);
    case 'addServiceRoute':
      return setRoute(change, before, op.vrf, op.prefix);
    case 'removeServiceRoute':
      return deleteRoute(change, before, op.vrf, op.prefix);
    case 'addServiceNat':
      return addNat(change, before, op.vrf, op.address);
    case 'removeServiceNat': {
      const nat = serviceStateOf(before).nats.find((entry) => entry.vrf === op.vrf);
      await deleteNatTable(change.vrfs, op.vrf);
      if (nat) change.undo.push(() => addNat(change, before, op.vrf, nat.address));
      return;
    }
  }
}
