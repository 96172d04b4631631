import { accessName, hostNamespace, type LabDevice, type LabManifest } from './lab-layout';
import { ip, ipJson } from './run-command';

/**
 * The "VM" behind a leaf's access interface is a namespace, one per interface. This kernel has
 * no 802.1Q devices, so each VLAN of the interface is its own veth pair: `swp1v100` on the leaf,
 * in the L2 VNI's bridge, and `v100` in the VM (the VM's NIC on that VLAN). The leaf end's alias
 * names the interface and VLAN, which is how the binding is read back.
 */
export function accessAlias(iface: string, vlan: number): string {
  return `loom access=${iface} vlan=${vlan}`;
}

export function parseAccessAlias(
  alias: string | undefined,
): { iface: string; vlan: number } | undefined {
  const match = /^loom access=(\S+) vlan=(\d+)$/.exec(alias ?? '');
  return match ? { iface: match[1] ?? '', vlan: Number(match[2]) } : undefined;
}

/** The VM's NIC for `vlan`, inside the host namespace. */
export const vmLinkName = (vlan: number): string => `v${vlan}`;

async function namespaceExists(name: string): Promise<boolean> {
  const namespaces = await ip(undefined, 'netns', 'list');
  return namespaces.split('\n').some((line) => line.split(' ')[0] === name);
}

/** Plugs the VM behind `iface` into `bridge` on `vlan`, making the VM namespace if needed. */
export async function addAccessPort(
  manifest: LabManifest,
  device: LabDevice,
  iface: string,
  vlan: number,
  bridge: string,
): Promise<void> {
  const host = hostNamespace(manifest, device.name, iface);
  if (!(await namespaceExists(host))) {
    await ip(undefined, 'netns', 'add', host);
    await ip(host, 'link', 'set', 'lo', 'up');
  }
  const leafEnd = accessName(iface, vlan);
  if (leafEnd.length > 15)
    throw new Error(`interface name ${leafEnd} is longer than 15 characters`);
  await ip(
    device.namespace,
    'link',
    'add',
    leafEnd,
    'type',
    'veth',
    'peer',
    'name',
    vmLinkName(vlan),
    'netns',
    host,
  );
  await ip(device.namespace, 'link', 'set', leafEnd, 'alias', accessAlias(iface, vlan));
  await ip(device.namespace, 'link', 'set', leafEnd, 'master', bridge, 'up');
  await ip(host, 'link', 'set', vmLinkName(vlan), 'up');
}

/** Unplugs it; the VM namespace goes with the interface's last VLAN. */
export async function removeAccessPort(
  manifest: LabManifest,
  device: LabDevice,
  iface: string,
  vlan: number,
): Promise<void> {
  // Deleting one end of a veth deletes the other.
  await ip(device.namespace, 'link', 'delete', accessName(iface, vlan));
  const links = await ipJson<{ ifalias?: string }>(device.namespace, 'link', 'show');
  const stillUsed = links.some((link) => parseAccessAlias(link.ifalias)?.iface === iface);
  const host = hostNamespace(manifest, device.name, iface);
  if (!stillUsed && (await namespaceExists(host))) await ip(undefined, 'netns', 'delete', host);
}
