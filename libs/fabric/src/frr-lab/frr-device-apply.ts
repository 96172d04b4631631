import type { BindL2Vni, FabricOperation, UnbindL2Vni } from '../operations/fabric-operation';
import type { DeviceState } from '../state/fabric-state';
import { configure } from './frr-daemons';
import { bridgeAlias } from './frr-device-state';
import { bridgeName, vxlanName, type LabDevice, type LabManifest } from './lab-layout';
import { addAccessPort, removeAccessPort } from './lab-hosts';
import { ip } from './run-command';

async function bindL2Vni(
  manifest: LabManifest,
  device: LabDevice,
  before: DeviceState,
  op: BindL2Vni,
): Promise<void> {
  const ns = device.namespace;
  const bridge = bridgeName(op.l2Vni);
  if (!before.l2Vnis.some((l2) => l2.l2Vni === op.l2Vni)) {
    const vxlan = vxlanName(op.l2Vni);
    await ip(ns, 'link', 'add', bridge, 'type', 'bridge');
    await ip(
      ns,
      'link',
      'set',
      bridge,
      'address',
      op.gatewayMac,
      'alias',
      bridgeAlias(op.vrf, op.vlan),
    );
    await ip(ns, 'addr', 'add', op.anycastGateway, 'dev', bridge);
    await ip(ns, 'link', 'set', bridge, 'up');
    await ip(
      ns,
      'link',
      'add',
      vxlan,
      'type',
      'vxlan',
      'id',
      String(op.l2Vni),
      'local',
      device.loopback,
      'dstport',
      '4789',
      'nolearning',
    );
    await ip(ns, 'link', 'set', vxlan, 'master', bridge);
    await ip(ns, 'link', 'set', vxlan, 'type', 'bridge_slave', 'learning', 'off');
    await ip(ns, 'link', 'set', vxlan, 'up');
  }
  await addAccessPort(manifest, device, op.interface, op.vlan, bridge);
}

async function unbindL2Vni(
  manifest: LabManifest,
  device: LabDevice,
  after: DeviceState,
  op: UnbindL2Vni,
): Promise<void> {
  const ns = device.namespace;
  await removeAccessPort(manifest, device, op.interface, op.vlan);
  if (!after.l2Vnis.some((l2) => l2.l2Vni === op.l2Vni)) {
    await ip(ns, 'link', 'delete', vxlanName(op.l2Vni));
    await ip(ns, 'link', 'delete', bridgeName(op.l2Vni));
  }
}

/**
 * Makes the leaf go from `before` to `after` for `op` (the device model already decided that it
 * changes something and is allowed): iproute2 for bridges, VXLAN devices and access ports,
 * vtysh for the VRF's L3 VNI and its BGP instance.
 */
export async function applyToDevice(
  manifest: LabManifest,
  device: LabDevice,
  before: DeviceState,
  after: DeviceState,
  op: FabricOperation,
): Promise<void> {
  const bgpVrf = (vrf: string) => `router bgp ${device.asn} vrf ${vrf}`;
  switch (op.kind) {
    case 'createVrf':
      return configure(device, [
        `vrf ${op.vrf}`,
        `vni ${op.l3Vni}`,
        'exit-vrf',
        // No router id of its own: FRR leaves out of its configuration an RD equal to the one it
        // would derive (router id:index), and the VRF is read back from that configuration.
        bgpVrf(op.vrf),
        'address-family l2vpn evpn',
        `rd ${op.rd}`,
        ...op.importRts.map((rt) => `route-target import ${rt}`),
        ...op.exportRts.map((rt) => `route-target export ${rt}`),
        'exit-address-family',
        'exit',
      ]);
    case 'deleteVrf': {
      const vrf = before.vrfs.find((entry) => entry.name === op.vrf);
      return configure(device, [
        `no ${bgpVrf(op.vrf)}`,
        `vrf ${op.vrf}`,
        `no vni ${vrf?.l3Vni ?? 0}`,
        'exit-vrf',
        `no vrf ${op.vrf}`,
      ]);
    }
    case 'configureBgpEvpn':
    case 'removeBgpEvpn':
      return configure(device, [
        bgpVrf(op.vrf),
        'address-family l2vpn evpn',
        `${op.kind === 'removeBgpEvpn' ? 'no ' : ''}advertise ipv4 unicast`,
        'exit-address-family',
        'exit',
      ]);
    case 'announcePrefix':
    case 'withdrawPrefix':
      return configure(device, [
        bgpVrf(op.vrf),
        'address-family ipv4 unicast',
        `${op.kind === 'withdrawPrefix' ? 'no ' : ''}network ${op.prefix}`,
        'exit-address-family',
        'exit',
      ]);
    case 'bindL2Vni':
      return bindL2Vni(manifest, device, before, op);
    case 'unbindL2Vni':
      return unbindL2Vni(manifest, device, after, op);
  }
}
