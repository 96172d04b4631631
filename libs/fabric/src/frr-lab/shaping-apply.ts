// Traffic shaping on a lab device: a port's on the leaf's end of its access link (towards the
// port) and on that end's ifb (from the port); a floating IP's on its VPC's transfer link, the
// public end towards the VPC and the VRF end from it (after the VRF's NAT, so both match the
// public address).
import type { ShapingLimit, ShapingOperation } from '../operations/shaping-operation';
import { untaggedInterfacesOf } from '../state/access-interfaces';
import { shapingStateOf, type DeviceState } from '../state/fabric-state';
import type { DeviceChange } from './device-change';
import { transferGatewayEnd, transferVrfEnd } from './gateway-apply';
import { accessName } from './lab-layout';
import { inNamespace } from './run-command';
import {
  ifbName,
  redirectIngress,
  writeShapers,
  type AddressShaper,
  type MatchField,
  type TcRunner,
} from './shaping-tc';

function shapers<Entry extends { ingress: ShapingLimit | null; egress: ShapingLimit | null }>(
  entries: readonly Entry[],
  direction: 'ingress' | 'egress',
  address: (entry: Entry) => string,
): AddressShaper[] {
  return entries.flatMap((entry) => {
    const limit = entry[direction];
    return limit ? [{ address: address(entry), limit }] : [];
  });
}

/** tc where `vrf`'s overlay lives (namespace VRFs only, like NAT). */
export function vrfTc(change: Pick<DeviceChange, 'vrfs'>, vrf: string): TcRunner {
  return (...args) => change.vrfs.exec(vrf, 'tc', ...args);
}

/**
 * Writes one interface's shapers for `after`, with an undo that writes them back as `before` had
 * them (an operation that fails part way leaves the interface as it was).
 */
async function rewrite(
  change: DeviceChange,
  tc: TcRunner,
  dev: string,
  match: MatchField,
  before: AddressShaper[],
  after: AddressShaper[],
  redirect?: (on: boolean) => Promise<void>,
): Promise<void> {
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  change.undo.push(async () => {
    if (redirect) await redirect(before.length > 0);
    await writeShapers(tc, dev, match, before);
  });
  if (redirect && (before.length === 0) !== (after.length === 0)) {
    await redirect(after.length > 0);
  }
  if (after.length > 0 || !redirect) await writeShapers(tc, dev, match, after);
}

async function shapePorts(
  change: DeviceChange,
  before: DeviceState,
  after: DeviceState,
  op: { interface: string; vlan: number },
): Promise<void> {
  const l2 = before.l2Vnis.find((entry) => entry.vlan === op.vlan);
  if (l2 === undefined) throw new Error(`no L2 VNI on VLAN ${op.vlan}`);
  const { vrf } = l2;
  const on = (state: DeviceState) =>
    shapingStateOf(state).ports.filter(
      (entry) => entry.interface === op.interface && entry.vlan === op.vlan,
    );
  const [was, will] = [on(before), on(after)];
  const tc = vrfTc(change, vrf);
  // A VM's VLAN has a veth of its own (`swp1v100`); a bare-metal server's access port is the
  // interface itself (`swp5`, lab-hosts.ts).
  const veth = untaggedInterfacesOf(l2).includes(op.interface)
    ? op.interface
    : accessName(op.interface, op.vlan);
  const address = (entry: { address: string }) => entry.address;
  // Towards the port: the veth's egress; from it: its ifb's, matched by the port's address.
  await rewrite(
    change,
    tc,
    veth,
    'dst',
    shapers(was, 'ingress', address),
    shapers(will, 'ingress', address),
  );
  await rewrite(
    change,
    tc,
    ifbName(veth),
    'src',
    shapers(was, 'egress', address),
    shapers(will, 'egress', address),
    (redirect) => redirectIngress(tc, (...args) => change.vrfs.ip(vrf, ...args), veth, redirect),
  );
}

async function shapeFloatingIps(
  change: DeviceChange,
  before: DeviceState,
  after: DeviceState,
  vrf: string,
): Promise<void> {
  const l3Vni = before.vrfs.find((entry) => entry.name === vrf)?.l3Vni;
  if (l3Vni === undefined) throw new Error(`no VRF ${vrf} on the node`);
  const of = (state: DeviceState) =>
    shapingStateOf(state).floatingIps.filter((entry) => entry.vrf === vrf);
  const [was, will] = [of(before), of(after)];
  const address = (entry: { publicAddress: string }) => entry.publicAddress;
  const publicTc: TcRunner = (...args) => inNamespace(change.device.namespace, 'tc', ...args);
  await rewrite(
    change,
    publicTc,
    transferGatewayEnd(l3Vni),
    'dst',
    shapers(was, 'ingress', address),
    shapers(will, 'ingress', address),
  );
  await rewrite(
    change,
    vrfTc(change, vrf),
    transferVrfEnd(l3Vni),
    'src',
    shapers(was, 'egress', address),
    shapers(will, 'egress', address),
  );
}

/** Makes the device's shaping go from `before` to `after` for `op` (the model allowed it). */
export async function applyShaping(
  change: DeviceChange,
  before: DeviceState,
  after: DeviceState,
  op: ShapingOperation,
): Promise<void> {
  if (op.kind === 'shapePort' || op.kind === 'unshapePort') {
    return shapePorts(change, before, after, op);
  }
  return shapeFloatingIps(change, before, after, op.vrf);
}
