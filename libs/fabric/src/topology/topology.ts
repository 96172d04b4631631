/** The fabric Loom drives: which devices exist, what they are and how much they can hold. */

export const deviceRoles = ['spine', 'leaf', 'border-leaf', 'gateway'] as const;
export type DeviceRole = (typeof deviceRoles)[number];

/** Roles that terminate VXLAN and hold tenant VRFs; spines only route the underlay. */
export const tenantRoles: readonly DeviceRole[] = ['leaf', 'border-leaf', 'gateway'];

export function carriesTenants(role: DeviceRole): boolean {
  return tenantRoles.includes(role);
}

/** How many tenant objects a device holds before it refuses more. */
export interface DeviceCapacity {
  readonly maxVrfs: number;
  readonly maxL2Vnis: number;
  readonly maxL3Vnis: number;
}

/**
 * Limits of a current EVPN switch (Cisco Catalyst 9500, IOS XE 17.13 scalability guide), used
 * when a topology does not state its own.
 */
export const defaultCapacity: DeviceCapacity = Object.freeze({
  maxVrfs: 1000,
  maxL2Vnis: 1024,
  maxL3Vnis: 512,
});

export interface FabricDevice {
  /** Unique in the fabric; what operations address. */
  readonly name: string;
  readonly role: DeviceRole;
  /** The loopback IPv4 address: router id, and the VTEP source address on leaves. */
  readonly loopback: string;
  readonly asn: number;
  /** Access (and uplink) interface names; ports are bound to these. */
  readonly interfaces: readonly string[];
  readonly capacity: DeviceCapacity;
}

export interface FabricTopology {
  readonly devices: readonly FabricDevice[];
}

export function findDevice(topology: FabricTopology, name: string): FabricDevice | undefined {
  return topology.devices.find((device) => device.name === name);
}
