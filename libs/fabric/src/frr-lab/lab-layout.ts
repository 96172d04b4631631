import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { readFileIfExists, writeFileAtomically } from '../simulated/atomic-file';
import { carriesTenants, type FabricTopology } from '../topology/topology';
import { planEdge, type LabExternalHost, type LabGatewayNode } from './lab-edge';
import {
  planManagement,
  type LabManagementNetwork,
  type LabManagementUplink,
} from './lab-management';

/**
 * Where a leaf keeps a tenant VRF's overlay in the kernel: the L3 VNI's bridge and VXLAN device,
 * each L2 VNI's bridge (with the anycast gateway) and VXLAN device, and the access ports.
 *
 * - `namespace`: the VRF is a network namespace of its own, which zebra (started with `-n`,
 *   `--vrfwnetns`) takes for a VRF. The VXLAN devices are made in the leaf's namespace, where the
 *   underlay and the VTEP address are, and then moved into the VRF's: the kernel keeps their UDP
 *   sockets where they were made. zebra and bgpd run in a mount namespace of their own whose
 *   `/run/netns` holds only the leaf's VRFs, so a leaf never takes another leaf's (or a VM's)
 *   namespace for one of its VRFs. This is the lab's mode: this machine's kernel has no VRF device.
 * - `kernel`: a Linux VRF device (`ip link add NAME type vrf table N`) in the leaf's namespace, the
 *   bridges enslaved to it, as on switches that run Linux and FRR (SONiC- or Cumulus-style).
 */
export type VrfBackend = 'namespace' | 'kernel';

/** One end of a point-to-point underlay link (a /31) between a leaf and a spine. */
export interface LabLink {
  /** The interface at this end. */
  readonly name: string;
  /** This end's address, with its length (`10.255.1.1/31`). */
  readonly address: string;
  readonly peerName: string;
  readonly peerAddress: string;
  readonly peerAsn: number;
  /** BFD on this link's BGP session (links to and from gateway nodes and the upstream). */
  readonly bfd?: boolean;
}

/** The FRR daemons a lab router runs; bfdd where one of its sessions has BFD. */
export type LabDaemon = 'zebra' | 'bfdd' | 'bgpd';

/**
 * Where everything of one lab lives and what it is called. Namespace names carry a short hash of
 * the lab directory, so two labs (two engines, two test runs) never share a namespace; interface
 * names live inside the namespaces and stay within Linux's 15 characters.
 */
export interface LabRouter {
  readonly name: string;
  readonly role: 'spine' | 'leaf' | 'upstream';
  readonly asn: number;
  /** The loopback address (router id; a leaf's VTEP, the source of its VXLAN). */
  readonly loopback: string;
  readonly namespace: string;
  /** Its FRR directory: config, pid files, vty and zserv sockets. */
  readonly frrDir: string;
  /**
   * Its underlay links: a leaf's to every spine, a spine's to every leaf (eBGP on each); the
   * upstream's to every gateway node.
   */
  readonly links: readonly LabLink[];
  /** In start order. */
  readonly daemons: readonly LabDaemon[];
}

/** A leaf: a router that carries tenants on its access interfaces. */
export interface LabDevice extends LabRouter {
  readonly role: 'leaf';
  readonly interfaces: readonly string[];
  /** Gateway nodes only (topology role `gateway`): their link to the upstream router. */
  readonly gateway?: LabGatewayNode;
  /** Border leaves only (topology role `border-leaf`): their cable to the management network. */
  readonly management?: LabManagementUplink;
}

export interface LabManifest {
  readonly format: 'loom-frr-lab';
  /** labLayoutVersion when this code built it; a lab of another version is rebuilt. */
  readonly version: number;
  readonly labDir: string;
  /** How the leaves keep tenant VRFs in the kernel (see tenant-vrfs.ts). */
  readonly vrfBackend: VrfBackend;
  /** Every namespace of the lab starts with this. */
  readonly prefix: string;
  readonly spines: readonly LabRouter[];
  /** The devices that carry tenants (leaves, border leaves, gateways). */
  readonly devices: readonly LabDevice[];
  /** The "internet" router and the host behind it, when the topology has gateway nodes. */
  readonly upstream?: LabRouter;
  readonly externalHost?: LabExternalHost;
  /** The management network and its host, when the topology has border leaves. */
  readonly management?: LabManagementNetwork;
}

export const manifestFile = 'lab.json';
/**
 * 3: an eBGP leaf-spine underlay of point-to-point links; tenant VRFs as namespaces (or VRF
 * devices), the leaves' daemons in a mount namespace of their own.
 * 4: gateway nodes with an uplink to an upstream router and an external host behind it; BFD on
 * the sessions of gateway nodes.
 * 5: a management network (a host on a bridge) cabled to every border leaf, for service IPs.
 */
export const labLayoutVersion = 5;

export function labPrefix(labDir: string): string {
  const hash = createHash('sha256').update(resolve(labDir)).digest('hex').slice(0, 6);
  return `loom-${hash}-`;
}

export function hostNamespace(manifest: LabManifest, device: string, iface: string): string {
  return `${manifest.prefix}${device}-${iface.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export const bridgeName = (l2Vni: number): string => `br${l2Vni}`;
export const vxlanName = (l2Vni: number): string => `vx${l2Vni}`;
/** The leaf's end of the access veth of `iface` on `vlan`. */
export const accessName = (iface: string, vlan: number): string => `${iface}v${vlan}`;

/**
 * The link between leaf `leafIndex` and spine `spineIndex`: 10.255.{spine + 1}.{2 * leaf}/31,
 * the spine on the even address; `sp{n}` on the leaf, `lf{n}` on the spine.
 */
function underlayLink(
  leaf: { name: string; asn: number; role: string },
  leafIndex: number,
  spine: { name: string; asn: number },
  spineIndex: number,
): { leafEnd: LabLink; spineEnd: LabLink } {
  const net = `10.255.${spineIndex + 1}`;
  // A silent gateway node must leave the fabric fast: its spines withdraw its routes on BFD down.
  const bfd = leaf.role === 'gateway' ? { bfd: true } : {};
  const spineAddress = `${net}.${2 * leafIndex}`;
  const leafAddress = `${net}.${2 * leafIndex + 1}`;
  return {
    leafEnd: {
      name: `sp${spineIndex + 1}`,
      address: `${leafAddress}/31`,
      peerName: spine.name,
      peerAddress: spineAddress,
      peerAsn: spine.asn,
      ...bfd,
    },
    spineEnd: {
      name: `lf${leafIndex + 1}`,
      address: `${spineAddress}/31`,
      peerName: leaf.name,
      peerAddress: leafAddress,
      peerAsn: leaf.asn,
      ...bfd,
    },
  };
}

/**
 * The lab for `topology`: its spines, and the devices that carry tenants as leaves, each leaf
 * linked to every spine.
 */
export function planLab(
  topology: FabricTopology,
  labDir: string,
  vrfBackend: VrfBackend = 'namespace',
): LabManifest {
  const dir = resolve(labDir);
  const prefix = labPrefix(dir);
  const spines = topology.devices.filter((device) => device.role === 'spine');
  const leaves = topology.devices.filter((device) => carriesTenants(device.role));
  if (spines.length === 0) throw new Error('a lab needs at least one spine in the topology');
  if (spines.length > 250) throw new Error('a lab holds at most 250 spines');
  if (leaves.length > 127) throw new Error('a lab holds at most 127 leaves');
  const links = leaves.map((leaf, leafIndex) =>
    spines.map((spine, spineIndex) => underlayLink(leaf, leafIndex, spine, spineIndex)),
  );
  const router = (device: (typeof topology.devices)[number]) => ({
    name: device.name,
    asn: device.asn,
    loopback: device.loopback,
    namespace: `${prefix}${device.name}`,
    frrDir: join(dir, device.name),
  });
  const edge = planEdge(leaves, dir, prefix);
  const management = planManagement(leaves, prefix);
  const spineLinks = spines.map((_, spineIndex) =>
    links.map((ofLeaf) => ofLeaf[spineIndex]?.spineEnd).filter((link) => link !== undefined),
  );
  return {
    format: 'loom-frr-lab',
    version: labLayoutVersion,
    labDir: dir,
    vrfBackend,
    prefix,
    spines: spines.map((spine, spineIndex) => ({
      ...router(spine),
      role: 'spine',
      links: spineLinks[spineIndex] ?? [],
      daemons: daemonsFor(spineLinks[spineIndex] ?? []),
    })),
    devices: leaves.map((leaf, leafIndex) => {
      const leafLinks = (links[leafIndex] ?? []).map((link) => link.leafEnd);
      const gateway = edge?.gateways.get(leaf.name);
      const uplink = management?.uplinks.get(leaf.name);
      return {
        ...router(leaf),
        role: 'leaf',
        links: leafLinks,
        daemons: daemonsFor(leafLinks, gateway !== undefined),
        interfaces: leaf.interfaces,
        ...(gateway ? { gateway } : {}),
        ...(uplink ? { management: uplink } : {}),
      };
    }),
    ...(edge ? { upstream: edge.upstream, externalHost: edge.externalHost } : {}),
    ...(management ? { management: management.network } : {}),
  };
}

function daemonsFor(links: readonly LabLink[], bfd = false): LabDaemon[] {
  return bfd || links.some((link) => link.bfd) ? ['zebra', 'bfdd', 'bgpd'] : ['zebra', 'bgpd'];
}

export function readManifest(labDir: string): LabManifest | undefined {
  const text = readFileIfExists(join(resolve(labDir), manifestFile));
  return text === undefined ? undefined : (JSON.parse(text) as LabManifest);
}

export function writeManifest(manifest: LabManifest): void {
  writeFileAtomically(
    join(manifest.labDir, manifestFile),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
}
