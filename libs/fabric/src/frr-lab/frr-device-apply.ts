import type {
  BindL2Vni,
  CreateVrf,
  DeleteVrf,
  FabricOperation,
  UnbindL2Vni,
} from '../operations/fabric-operation';
import type { DeviceState } from '../state/fabric-state';
import { configure, vtysh, vtyshJson } from './frr-daemons';
import { bridgeAlias } from './frr-device-state';
import { addAccessPort, removeAccessPort } from './lab-hosts';
import { bridgeName, vxlanName, type LabDevice, type LabManifest } from './lab-layout';
import type { DeviceChange } from './device-change';
import { waitFor } from './run-command';
import { leafTenantVrfs, type TenantVrfs } from './tenant-vrfs';
import { UndoLog } from './undo-log';

const bgpVrf = (device: LabDevice, vrf: string) => `router bgp ${device.asn} vrf ${vrf}`;

/** Whether zebra has taken `vrf` up: `vrf NAME id N ...` in `show vrf` (inactive ones lack an id). */
async function zebraHasVrf(device: LabDevice, vrf: string): Promise<boolean> {
  const text = await vtysh(device, 'show vrf');
  return text.split('\n').some((line) => line.startsWith(`vrf ${vrf} id `));
}

/**
 * A bridge with a VXLAN device in it where `vrf` lives. The VXLAN device is made in the leaf's
 * namespace, on the VTEP address, then moved; it joins the bridge only once zebra knows the VRF, or
 * zebra may map the VNI to the wrong VRF.
 */
async function addVxlanBridge(
  { device, vrfs, undo }: DeviceChange,
  vrf: string,
  vni: number,
  gateway?: { address: string; mac: string; vlan: number },
): Promise<void> {
  const bridge = bridgeName(vni);
  const vxlan = vxlanName(vni);
  await vrfs.ip(vrf, 'link', 'add', bridge, 'type', 'bridge');
  undo.push(() => vrfs.ip(vrf, 'link', 'delete', bridge));
  if (gateway) {
    await vrfs.ip(vrf, 'link', 'set', bridge, 'address', gateway.mac);
    await vrfs.ip(vrf, 'link', 'set', bridge, 'alias', bridgeAlias(vrf, gateway.vlan));
    await vrfs.ip(vrf, 'addr', 'add', gateway.address, 'dev', bridge);
  }
  await vrfs.attachBridge(vrf, bridge);
  await vrfs.ip(vrf, 'link', 'set', bridge, 'up');
  await vrfs.leafIp(
    'link',
    'add',
    vxlan,
    'type',
    'vxlan',
    'id',
    String(vni),
    'local',
    device.loopback,
    'dstport',
    '4789',
    'nolearning',
  );
  // Wherever it is by then: still in the leaf's namespace, or moved.
  undo.push(() =>
    vrfs.ip(vrf, 'link', 'delete', vxlan).catch(() => vrfs.leafIp('link', 'delete', vxlan)),
  );
  await vrfs.adopt(vrf, vxlan);
  await vrfs.ip(vrf, 'link', 'set', vxlan, 'master', bridge);
  await vrfs.ip(vrf, 'link', 'set', vxlan, 'type', 'bridge_slave', 'learning', 'off');
  await vrfs.ip(vrf, 'link', 'set', vxlan, 'up');
}

async function removeVxlanBridge(vrfs: TenantVrfs, vrf: string, vni: number): Promise<void> {
  await vrfs.ip(vrf, 'link', 'delete', vxlanName(vni));
  await vrfs.ip(vrf, 'link', 'delete', bridgeName(vni));
}

/** zebra lets a VRF's configuration go only once the VRF itself (namespace or device) is gone. */
function waitUntilZebraLetsGo(device: LabDevice, vrf: string): Promise<true> {
  return waitFor(`zebra on ${device.name} to let VRF ${vrf} go`, 10_000, async () =>
    (await zebraHasVrf(device, vrf)) ? undefined : true,
  );
}

interface EvpnVrfs {
  readonly vrfs?: readonly { vrf: string; vni: number; state?: string }[];
}

async function createVrf(change: DeviceChange, op: CreateVrf): Promise<void> {
  const { device, vrfs, undo } = change;
  if (!(await vrfs.list()).includes(op.vrf)) {
    // Taken back last: zebra lets a VRF's configuration go only once the VRF itself is gone.
    undo.push(async () => {
      await waitUntilZebraLetsGo(device, op.vrf);
      await vtysh(device, 'configure terminal', `no vrf ${op.vrf}`);
    });
    await vrfs.create(op.vrf, op.l3Vni);
    undo.push(() => vrfs.remove(op.vrf));
  }
  await waitFor(`zebra on ${device.name} to take up VRF ${op.vrf}`, 10_000, async () =>
    (await zebraHasVrf(device, op.vrf)) ? true : undefined,
  );
  // Whatever part of the configuration below went in (vtysh applies lines up to a refused one).
  undo.push(() =>
    vtysh(
      device,
      'configure terminal',
      `vrf ${op.vrf}`,
      `no vni ${op.l3Vni}`,
      'exit-vrf',
      `no ${bgpVrf(device, op.vrf)}`,
    ),
  );
  await configure(device, [
    `vrf ${op.vrf}`,
    `vni ${op.l3Vni}`,
    'exit-vrf',
    // No router id of its own: FRR leaves out of its configuration an RD equal to the one it
    // would derive (router id:index), and the VRF is read back from that configuration.
    bgpVrf(device, op.vrf),
    'address-family l2vpn evpn',
    `rd ${op.rd}`,
    ...op.importRts.map((rt) => `route-target import ${rt}`),
    ...op.exportRts.map((rt) => `route-target export ${rt}`),
    'exit-address-family',
    'exit',
  ]);
  if (!(await vrfs.ip(op.vrf, 'link', 'show')).includes(` ${bridgeName(op.l3Vni)}:`)) {
    await addVxlanBridge(change, op.vrf, op.l3Vni);
  }
  // The L3 VNI is up once zebra has its VXLAN device, its bridge (the L3 SVI) and the VRF.
  await waitFor(`the L3 VNI ${op.l3Vni} of ${op.vrf} on ${device.name}`, 10_000, async () => {
    const { vrfs: l3Vnis = [] } = await vtyshJson<EvpnVrfs>(device, 'show vrf vni json');
    return l3Vnis.some((entry) => entry.vrf === op.vrf && entry.state === 'Up') ? true : undefined;
  });
}

async function deleteVrf(change: DeviceChange, before: DeviceState, op: DeleteVrf): Promise<void> {
  const { device, vrfs } = change;
  const l3Vni = before.vrfs.find((entry) => entry.name === op.vrf)?.l3Vni ?? 0;
  // bgpd keeps a VRF's BGP instance while the VRF has an L3 VNI.
  await configure(device, [`vrf ${op.vrf}`, `no vni ${l3Vni}`, 'exit-vrf']);
  await configure(device, [`no ${bgpVrf(device, op.vrf)}`]);
  if ((await vrfs.list()).includes(op.vrf)) {
    await removeVxlanBridge(vrfs, op.vrf, l3Vni);
    await vrfs.remove(op.vrf);
  }
  await waitUntilZebraLetsGo(device, op.vrf);
  await configure(device, [`no vrf ${op.vrf}`]);
}

async function bindL2Vni(change: DeviceChange, before: DeviceState, op: BindL2Vni): Promise<void> {
  if (!before.l2Vnis.some((l2) => l2.l2Vni === op.l2Vni)) {
    await addVxlanBridge(change, op.vrf, op.l2Vni, {
      address: op.anycastGateway,
      mac: op.gatewayMac,
      vlan: op.vlan,
    });
  }
  await addAccessPort(change, op.vrf, op.interface, op.vlan, bridgeName(op.l2Vni));
}

async function unbindL2Vni(
  change: DeviceChange,
  before: DeviceState,
  after: DeviceState,
  op: UnbindL2Vni,
): Promise<void> {
  const vrf = before.l2Vnis.find((l2) => l2.l2Vni === op.l2Vni)?.vrf ?? '';
  await removeAccessPort(change, vrf, op.interface, op.vlan);
  if (!after.l2Vnis.some((l2) => l2.l2Vni === op.l2Vni)) {
    await removeVxlanBridge(change.vrfs, vrf, op.l2Vni);
  }
}

async function apply(
  change: DeviceChange,
  before: DeviceState,
  after: DeviceState,
  op: FabricOperation,
): Promise<void> {
  const { device } = change;
  switch (op.kind) {
    case 'createVrf':
      return createVrf(change, op);
    case 'deleteVrf':
      return deleteVrf(change, before, op);
    case 'configureBgpEvpn':
    case 'removeBgpEvpn': {
      // Type-5 routes: the VRF's connected subnets too, so that a leaf without a subnet routes
      // to a silent host of it (one that has sent nothing yet) through a leaf that has it.
      const no = op.kind === 'removeBgpEvpn' ? 'no ' : '';
      return configure(device, [
        bgpVrf(device, op.vrf),
        'address-family ipv4 unicast',
        `${no}redistribute connected`,
        'exit-address-family',
        'address-family l2vpn evpn',
        `${no}advertise ipv4 unicast`,
        'exit-address-family',
        'exit',
      ]);
    }
    case 'announcePrefix':
    case 'withdrawPrefix':
      return configure(device, [
        bgpVrf(device, op.vrf),
        'address-family ipv4 unicast',
        `${op.kind === 'withdrawPrefix' ? 'no ' : ''}network ${op.prefix}`,
        'exit-address-family',
        'exit',
      ]);
    case 'bindL2Vni':
      return bindL2Vni(change, before, op);
    case 'unbindL2Vni':
      return unbindL2Vni(change, before, after, op);
  }
}

/** An operation failed part way; `rolledBack` tells whether what it had done was taken back. */
export class DeviceChangeError extends Error {
  constructor(
    readonly failure: unknown,
    readonly rolledBack: boolean,
  ) {
    super(failure instanceof Error ? failure.message : String(failure));
    this.name = 'DeviceChangeError';
  }
}

/**
 * Makes the leaf go from `before` to `after` for `op` (the device model already decided that it
 * changes something and is allowed): iproute2 for the VRF's kernel side, bridges, VXLAN devices
 * and access ports, vtysh for the VRF's L3 VNI and its BGP instance. A failure part way takes back
 * what the operation had done and throws DeviceChangeError.
 */
export async function applyToDevice(
  manifest: LabManifest,
  device: LabDevice,
  before: DeviceState,
  after: DeviceState,
  op: FabricOperation,
): Promise<void> {
  const change: DeviceChange = {
    manifest,
    device,
    vrfs: leafTenantVrfs(manifest, device),
    undo: new UndoLog(),
  };
  try {
    await apply(change, before, after, op);
  } catch (error) {
    const failures = await change.undo.rollBack();
    throw new DeviceChangeError(error, failures.length === 0);
  }
}
