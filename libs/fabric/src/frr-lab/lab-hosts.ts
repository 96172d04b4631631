import { accessName, hostNamespace } from './lab-layout';
import type { DeviceChange } from './device-change';
import { ip } from './run-command';

/**
 * The "VM" behind a leaf's access interface is a namespace, one per interface. This kernel has
 * no 802.1Q devices, so each VLAN of the interface is its own veth pair: `swp1v100` on the leaf,
 * in the L2 VNI's bridge, and `v100` in the VM (the VM's NIC on that VLAN). The leaf end's alias
 * names the interface and VLAN, which is how the binding is read back.
 */
export function accessAlias(iface: string, vlan: number): string {
  return `loom access=${iface} vlan=${vlan}`;
}

/** The alias of an access port's leaf end: the interface carries one VLAN untagged. */
export function untaggedAlias(iface: string): string {
  return `loom access=${iface} untagged`;
}

export function parseUntaggedAlias(alias: string | undefined): string | undefined {
  return /^loom access=(\S+) untagged$/.exec(alias ?? '')?.[1];
}

export function parseAccessAlias(
  alias: string | undefined,
): { iface: string; vlan: number } | undefined {
  const match = /^loom access=(\S+) vlan=(\d+)$/.exec(alias ?? '');
  return match ? { iface: match[1] ?? '', vlan: Number(match[2]) } : undefined;
}

/** The VM's NIC for `vlan`, inside the host namespace. */
export const vmLinkName = (vlan: number): string => `v${vlan}`;

/** A bare-metal server's NIC, untagged on its leaf interface. */
export const bareMetalLinkName = 'eth0';

/**
 * How a binding is cabled: a trunk's VLAN is a veth of its own (`swp1v100` to the VM's `v100`);
 * an access port is the interface itself (`swp5`, the leaf end, to the server's `eth0`).
 */
function cabling(iface: string, vlan: number, untagged: boolean) {
  return untagged
    ? { leafEnd: iface, hostEnd: bareMetalLinkName, alias: untaggedAlias(iface) }
    : {
        leafEnd: accessName(iface, vlan),
        hostEnd: vmLinkName(vlan),
        alias: accessAlias(iface, vlan),
      };
}

async function namespaceExists(name: string): Promise<boolean> {
  const namespaces = await ip(undefined, 'netns', 'list');
  return namespaces.split('\n').some((line) => line.split(' ')[0] === name);
}

/**
 * Plugs the VM behind `iface` into `bridge` (where `vrf` lives) on `vlan` (or, `untagged`, the
 * bare-metal server behind it), making the host namespace if needed. The veth is made between the
 * host and the leaf's namespace, then its leaf end moves to the VRF's overlay.
 */
export async function addAccessPort(
  { manifest, device, vrfs, undo }: DeviceChange,
  vrf: string,
  iface: string,
  vlan: number,
  bridge: string,
  untagged = false,
): Promise<void> {
  const host = hostNamespace(manifest, device.name, iface);
  if (!(await namespaceExists(host))) {
    await ip(undefined, 'netns', 'add', host);
    undo.push(() => ip(undefined, 'netns', 'delete', host));
    await ip(host, 'link', 'set', 'lo', 'up');
  }
  const { leafEnd, hostEnd: vmEnd, alias } = cabling(iface, vlan, untagged);
  if (leafEnd.length > 15)
    throw new Error(`interface name ${leafEnd} is longer than 15 characters`);
  await ip(
    host,
    'link',
    'add',
    vmEnd,
    'type',
    'veth',
    'peer',
    'name',
    leafEnd,
    'netns',
    device.namespace,
  );
  // Deleting one end of a veth deletes the other, wherever that is.
  undo.push(() => ip(host, 'link', 'delete', vmEnd));
  await ip(device.namespace, 'link', 'set', leafEnd, 'alias', alias);
  await vrfs.adopt(vrf, leafEnd);
  await vrfs.ip(vrf, 'link', 'set', leafEnd, 'master', bridge, 'up');
  await ip(host, 'link', 'set', vmEnd, 'up');
}

/** Whether any VRF of the leaf still has an access port on `iface`. */
async function interfaceInUse({ vrfs }: DeviceChange, iface: string): Promise<boolean> {
  for (const vrf of await vrfs.list()) {
    const links = JSON.parse((await vrfs.ip(vrf, '-j', 'link', 'show')) || '[]') as {
      ifalias?: string;
    }[];
    const uses = (alias: string | undefined) =>
      parseAccessAlias(alias)?.iface === iface || parseUntaggedAlias(alias) === iface;
    if (links.some((link) => uses(link.ifalias))) return true;
  }
  return false;
}

/** Unplugs it; the VM namespace goes with the interface's last VLAN. */
export async function removeAccessPort(
  change: DeviceChange,
  vrf: string,
  iface: string,
  vlan: number,
  untagged = false,
): Promise<void> {
  await change.vrfs.ip(vrf, 'link', 'delete', cabling(iface, vlan, untagged).leafEnd);
  const host = hostNamespace(change.manifest, change.device.name, iface);
  if (!(await interfaceInUse(change, iface)) && (await namespaceExists(host))) {
    await ip(undefined, 'netns', 'delete', host);
  }
}
