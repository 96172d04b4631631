// The kernel side of a VNI on a leaf: its bridge and the VXLAN device in it.
import type { DeviceChange } from './device-change';
import { bridgeAlias } from './frr-device-state';
import { bridgeName, vxlanName } from './lab-layout';
import type { TenantVrfs } from './tenant-vrfs';

/**
 * A bridge with a VXLAN device in it where `vrf` lives. The VXLAN device is made in the leaf's
 * namespace, on the VTEP address, then moved; it joins the bridge only once zebra knows the VRF, or
 * zebra may map the VNI to the wrong VRF.
 */
export async function addVxlanBridge(
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

export async function removeVxlanBridge(vrfs: TenantVrfs, vrf: string, vni: number): Promise<void> {
  await vrfs.ip(vrf, 'link', 'delete', vxlanName(vni));
  await vrfs.ip(vrf, 'link', 'delete', bridgeName(vni));
}
