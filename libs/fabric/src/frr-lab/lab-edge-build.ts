// Builds the lab's edge (see lab-edge.ts): the uplinks, and the external host behind the upstream.
import type { LabManifest } from './lab-layout';
import { inNamespace, ip } from './run-command';

/** A veth from `a` (named `aName`, address `aAddress`) to `b`, made inside the namespaces. */
async function veth(
  a: { namespace: string; name: string; address: string },
  b: { namespace: string; name: string; address: string },
): Promise<void> {
  await ip(
    a.namespace,
    'link',
    'add',
    a.name,
    'type',
    'veth',
    'peer',
    'name',
    b.name,
    'netns',
    b.namespace,
  );
  for (const end of [a, b]) {
    await ip(end.namespace, 'addr', 'add', end.address, 'dev', end.name);
    await ip(end.namespace, 'link', 'set', end.name, 'up');
  }
}

/**
 * Each gateway node's uplink to the upstream router (their namespaces exist), and the external
 * host: a namespace of its own on a link to the upstream, its default route via the upstream.
 * Nothing is added to the host's namespace; the upstream has no route out of the lab.
 */
export async function addEdge(manifest: LabManifest): Promise<void> {
  const { upstream, externalHost: host } = manifest;
  if (!upstream || !host) return;
  for (const link of upstream.links) {
    const node = manifest.devices.find((device) => device.name === link.peerName);
    const uplink = node?.gateway?.uplink;
    if (!node || !uplink) throw new Error(`no gateway node ${link.peerName} in the lab`);
    await veth(
      { namespace: upstream.namespace, name: link.name, address: link.address },
      { namespace: node.namespace, name: uplink.name, address: uplink.address },
    );
  }
  await ip(undefined, 'netns', 'add', host.namespace);
  await ip(host.namespace, 'link', 'set', 'lo', 'up');
  await veth(
    { namespace: upstream.namespace, name: host.upstreamInterface, address: host.upstreamAddress },
    { namespace: host.namespace, name: host.interface, address: host.address },
  );
  await ip(host.namespace, 'route', 'add', 'default', 'via', host.gateway);
  await inNamespace(host.namespace, 'sysctl', '-q', '-w', 'net.ipv4.conf.all.rp_filter=0');
}
