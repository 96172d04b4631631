// A tenant VRF on a leaf: the VRF itself (namespace or device), its L3 VNI and BGP instance.
import type { CreateVrf, DeleteVrf } from '../operations/fabric-operation';
import type { DeviceState } from '../state/fabric-state';
import type { DeviceChange } from './device-change';
import { configure, vtysh, vtyshJson } from './frr-daemons';
import { bridgeName, type LabDevice } from './lab-layout';
import { waitFor } from './run-command';
import { addVxlanBridge, removeVxlanBridge } from './vxlan-bridges';

/** The BGP instance of a tenant VRF, as vtysh names it. */
export const bgpVrf = (device: LabDevice, vrf: string) => `router bgp ${device.asn} vrf ${vrf}`;

/** Whether zebra has taken `vrf` up: `vrf NAME id N ...` in `show vrf` (inactive ones lack an id). */
async function zebraHasVrf(device: LabDevice, vrf: string): Promise<boolean> {
  const text = await vtysh(device, 'show vrf');
  return text.split('\n').some((line) => line.startsWith(`vrf ${vrf} id `));
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

export async function createVrf(change: DeviceChange, op: CreateVrf): Promise<void> {
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

export async function deleteVrf(
  change: DeviceChange,
  before: DeviceState,
  op: DeleteVrf,
): Promise<void> {
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
