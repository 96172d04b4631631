// A lab device's traffic shaping, read back from tc (`tc -j`): what the kernel does, not what was
// asked, so a qdisc removed or changed behind Loom's back shows as drift.
import type { ShapingLimit } from '../operations/shaping-operation';
import type {
  DeviceState,
  FloatingIpShapingState,
  PortShapingState,
  ShapingState,
} from '../state/fabric-state';
import { untaggedInterfacesOf } from '../state/access-interfaces';
import { gatewayStateOf } from '../state/fabric-state';
import { transferGatewayEnd, transferVrfEnd } from './gateway-apply';
import { parseAccessAlias, parseUntaggedAlias } from './lab-hosts';
import type { LabDevice } from './lab-layout';
import { inNamespace } from './run-command';
import {
  ifbName,
  readQdiscs,
  readShapers,
  redirectsIngress,
  type AddressShaper,
  type TcRunner,
} from './shaping-tc';
import type { TenantVrfs } from './tenant-vrfs';

type Limits = { ingress: ShapingLimit | null; egress: ShapingLimit | null };

/** Both directions' shapers of one place, by address. */
function merge(ingress: AddressShaper[], egress: AddressShaper[]): Map<string, Limits> {
  const limits = new Map<string, Limits>();
  const entry = (address: string) => {
    const found = limits.get(address) ?? { ingress: null, egress: null };
    limits.set(address, found);
    return found;
  };
  for (const { address, limit } of ingress) entry(address).ingress = limit;
  for (const { address, limit } of egress) entry(address).egress = limit;
  return limits;
}

/** The interface and VLAN of a leaf's access link, from its alias (a VM's VLAN or a server's port). */
function accessOf(
  alias: string | undefined,
  state: DeviceState,
): { iface: string; vlan: number } | undefined {
  const trunk = parseAccessAlias(alias);
  if (trunk) return trunk;
  const iface = parseUntaggedAlias(alias);
  const l2 = iface && state.l2Vnis.find((entry) => untaggedInterfacesOf(entry).includes(iface));
  return iface && l2 ? { iface, vlan: l2.vlan } : undefined;
}

async function readPortShaping(
  vrfs: TenantVrfs,
  vrf: string,
  state: DeviceState,
): Promise<PortShapingState[]> {
  const tc: TcRunner = (...args) => vrfs.exec(vrf, 'tc', ...args);
  const qdiscs = await readQdiscs(tc);
  const links = JSON.parse((await vrfs.ip(vrf, '-j', 'link', 'show')) || '[]') as {
    ifname: string;
    ifalias?: string;
  }[];
  const ports: PortShapingState[] = [];
  for (const link of links) {
    const access = accessOf(link.ifalias, state);
    if (!access) continue;
    const shaped = qdiscs.some((qdisc) => qdisc.dev === link.ifname && qdisc.kind !== 'noqueue');
    if (!shaped) continue;
    const ingress = await readShapers(tc, link.ifname, 'dst', qdiscs);
    const ifb = ifbName(link.ifname);
    const egress = (await redirectsIngress(tc, link.ifname, qdiscs))
      ? await readShapers(tc, ifb, 'src', qdiscs)
      : [];
    for (const [address, limits] of merge(ingress, egress)) {
      ports.push({ interface: access.iface, vlan: access.vlan, address, ...limits });
    }
  }
  return ports;
}

async function readFloatingIpShaping(
  device: LabDevice,
  vrfs: TenantVrfs,
  state: DeviceState,
): Promise<FloatingIpShapingState[]> {
  const publicTc: TcRunner = (...args) => inNamespace(device.namespace, 'tc', ...args);
  const publicQdiscs = await readQdiscs(publicTc);
  const floatingIps: FloatingIpShapingState[] = [];
  for (const link of gatewayStateOf(state).transferLinks) {
    const l3Vni = state.vrfs.find((vrf) => vrf.name === link.vrf)?.l3Vni;
    if (l3Vni === undefined) continue;
    const tc: TcRunner = (...args) => vrfs.exec(link.vrf, 'tc', ...args);
    const ingress = await readShapers(publicTc, transferGatewayEnd(l3Vni), 'dst', publicQdiscs);
    const egress = await readShapers(tc, transferVrfEnd(l3Vni), 'src', await readQdiscs(tc));
    for (const [publicAddress, limits] of merge(ingress, egress)) {
      floatingIps.push({ vrf: link.vrf, publicAddress, ...limits });
    }
  }
  return floatingIps;
}

/**
 * The shaping of a lab device, given the rest of its state (read first): ports' on the access
 * veths of every VRF, floating IPs' on the transfer links of a gateway node. Namespace VRFs only
 * (tc runs where the VRF lives); a lab with VRF devices shapes nothing.
 */
export async function readShapingState(
  device: LabDevice,
  vrfs: TenantVrfs,
  inKernel: readonly string[],
  state: DeviceState,
): Promise<ShapingState | undefined> {
  if (vrfs.backend !== 'namespace') return undefined;
  const ports: PortShapingState[] = [];
  for (const vrf of inKernel) ports.push(...(await readPortShaping(vrfs, vrf, state)));
  const floatingIps = device.gateway ? await readFloatingIpShaping(device, vrfs, state) : [];
  return { ports, floatingIps };
}
