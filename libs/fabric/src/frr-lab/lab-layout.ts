import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { readFileIfExists, writeFileAtomically } from '../simulated/atomic-file';
import { carriesTenants, type FabricTopology } from '../topology/topology';
import type { VrfBackend } from './tenant-vrfs';

/**
 * Where everything of one lab lives and what it is called. Namespace names carry a short hash of
 * the lab directory, so two labs (two engines, two test runs) never share a namespace; interface
 * names live inside the namespaces and stay within Linux's 15 characters.
 */
export interface LabDevice {
  readonly name: string;
  readonly asn: number;
  /** The loopback VTEP address (router id, VXLAN source). */
  readonly loopback: string;
  /** The leaf's uplink address on the underlay bridge. */
  readonly underlay: string;
  readonly namespace: string;
  /** Its FRR directory: config, pid files, vty and zserv sockets. */
  readonly frrDir: string;
  readonly interfaces: readonly string[];
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
  readonly underlayNamespace: string;
  readonly devices: readonly LabDevice[];
}

export const manifestFile = 'lab.json';
/** 2: tenant VRFs as namespaces (or VRF devices), the daemons in a mount namespace of their own. */
export const labLayoutVersion = 2;
/** The leaf's side of its link to the underlay bridge. */
export const uplinkName = 'uplink';

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

/** The lab for `topology`: the devices that carry tenants (leaves, border leaves, gateways). */
export function planLab(
  topology: FabricTopology,
  labDir: string,
  vrfBackend: VrfBackend = 'namespace',
): LabManifest {
  const dir = resolve(labDir);
  const prefix = labPrefix(dir);
  const leaves = topology.devices.filter((device) => carriesTenants(device.role));
  if (leaves.length > 250) throw new Error('a lab holds at most 250 leaves');
  return {
    format: 'loom-frr-lab',
    version: labLayoutVersion,
    labDir: dir,
    vrfBackend,
    prefix,
    underlayNamespace: `${prefix}underlay`,
    devices: leaves.map((device, index) => ({
      name: device.name,
      asn: device.asn,
      loopback: device.loopback,
      underlay: `10.255.0.${index + 1}`,
      namespace: `${prefix}${device.name}`,
      frrDir: join(dir, device.name),
      interfaces: device.interfaces,
    })),
  };
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
