import type { Decider } from '@loom/intents';
import { FailedPreconditionError, ResourceExhaustedError } from '@loom/errors';
import type { LeafVlanEvent } from './leaf-vlans.events';

/** Usable VLANs on a leaf for tenant subnets (1 is the default VLAN, 4095 is reserved). */
export const tenantVlanRange: { readonly first: number; readonly last: number } = {
  first: 2,
  last: 4094,
};

export interface PortOnLeaf {
  /** The operation that bound it. */
  readonly owner: string;
  readonly interface: string;
  /** A bare-metal port: its interface is in access mode (the VLAN untagged) and carries only it. */
  readonly untagged: boolean;
}

export interface VlanUse {
  readonly subnet: string;
  readonly ports: ReadonlyMap<string, PortOnLeaf>;
}

/** On a leaf one VLAN carries one subnet, shared by all that subnet's ports on the leaf. */
export interface LeafVlansState {
  readonly vlans: ReadonlyMap<number, VlanUse>;
}

export type LeafVlanCommand =
  | {
      readonly type: 'BindPortVlan';
      readonly leaf: string;
      readonly subnet: string;
      readonly l2Vni: number;
      readonly port: string;
      readonly interface: string;
      /** The VLAN the caller asked for, or undefined to let Loom choose. */
      readonly vlan: number | undefined;
      /** A bare-metal port: the interface in access mode, for this port alone. */
      readonly untagged: boolean;
      readonly owner: string;
    }
  | {
      readonly type: 'UnbindPortVlan';
      readonly leaf: string;
      readonly port: string;
      readonly owner: string;
    };

export function vlanOfPort(state: LeafVlansState, port: string): number | undefined {
  for (const [vlan, use] of state.vlans) if (use.ports.has(port)) return vlan;
  return undefined;
}

function vlanOfSubnet(state: LeafVlansState, subnet: string): number | undefined {
  for (const [vlan, use] of state.vlans) if (use.subnet === subnet) return vlan;
  return undefined;
}

export const leafVlansDecider: Decider<LeafVlanCommand, LeafVlanEvent, LeafVlansState> = {
  initialState: () => ({ vlans: new Map() }),

  decide(command, state) {
    const current = vlanOfPort(state, command.port);
    const use = current === undefined ? undefined : state.vlans.get(current);
    const heldBy = use?.ports.get(command.port)?.owner;
    if (command.type === 'UnbindPortVlan') {
      if (current === undefined || use === undefined || heldBy !== command.owner) return [];
      const { leaf, port, owner } = command;
      return [
        { type: 'LeafVlanUnbound', data: { leaf, vlan: current, subnet: use.subnet, port, owner } },
      ];
    }
    if (heldBy === command.owner) return [];
    if (heldBy !== undefined) {
      throw new FailedPreconditionError(
        'port.binding',
        'PORT_ALREADY_BOUND',
        `${command.port} is already bound on leaf ${command.leaf}`,
      );
    }
    refuseInterfaceMode(state, command);
    const { leaf, subnet, l2Vni, port, owner } = command;
    const portInterface = command.interface;
    const vlan = command.vlan ?? vlanOfSubnet(state, subnet) ?? lowestFreeVlan(state, leaf);
    const vlanUse = state.vlans.get(vlan);
    if (vlanUse !== undefined && vlanUse.subnet !== subnet) {
      throw new FailedPreconditionError(
        `port.binding.vlan`,
        'VLAN_IN_USE',
        `VLAN ${vlan} on leaf ${leaf} already carries another subnet`,
      );
    }
    const subnetVlan = vlanOfSubnet(state, subnet);
    if (subnetVlan !== undefined && subnetVlan !== vlan) {
      throw new FailedPreconditionError(
        `port.binding.vlan`,
        'SUBNET_ON_OTHER_VLAN',
        `the subnet already uses VLAN ${subnetVlan} on leaf ${leaf}`,
      );
    }
    return [
      {
        type: 'LeafVlanBound',
        data: {
          leaf,
          vlan,
          subnet,
          l2Vni,
          port,
          interface: portInterface,
          owner,
          ...(command.untagged ? { untagged: true as const } : {}),
        },
      },
    ];
  },

  evolve(state, event) {
    const vlans = new Map(state.vlans);
    const use = vlans.get(event.data.vlan);
    const ports = new Map(use?.ports);
    if (event.type === 'LeafVlanBound') {
      const { owner, interface: portInterface, untagged = false } = event.data;
      ports.set(event.data.port, { owner, interface: portInterface, untagged });
    } else ports.delete(event.data.port);
    if (ports.size === 0) vlans.delete(event.data.vlan);
    else vlans.set(event.data.vlan, { subnet: event.data.subnet, ports });
    return { vlans };
  },
};

/** The ports bound to `portInterface` on the leaf, on any VLAN. */
function portsOnInterface(state: LeafVlansState, portInterface: string): [string, PortOnLeaf][] {
  return [...state.vlans.values()].flatMap((use) =>
    [...use.ports.entries()].filter(([, port]) => port.interface === portInterface),
  );
}

/**
 * An interface is a trunk (VMs of a hypervisor, one tagged VLAN per subnet) or the access port of
 * one bare-metal server (untagged, nothing else), never both.
 */
function refuseInterfaceMode(
  state: LeafVlansState,
  command: Extract<LeafVlanCommand, { type: 'BindPortVlan' }>,
): void {
  const onInterface = portsOnInterface(state, command.interface);
  const where = `interface ${command.interface} on leaf ${command.leaf}`;
  const bareMetal = onInterface.filter(([, port]) => port.untagged).map(([name]) => name);
  if (bareMetal.length > 0) {
    throw new FailedPreconditionError(
      'port.binding.interface',
      'INTERFACE_IN_ACCESS_MODE',
      `${where} is the access port of bare-metal port ${bareMetal.join(', ')}; it carries nothing else`,
    );
  }
  if (command.untagged && onInterface.length > 0) {
    throw new FailedPreconditionError(
      'port.binding.interface',
      'INTERFACE_CARRIES_VM_VLANS',
      `${where} is a VM trunk carrying ${onInterface.map(([name]) => name).join(', ')}; a bare-metal port needs an interface of its own`,
    );
  }
}

function lowestFreeVlan(state: LeafVlansState, leaf: string): number {
  for (let vlan = tenantVlanRange.first; vlan <= tenantVlanRange.last; vlan += 1) {
    if (!state.vlans.has(vlan)) return vlan;
  }
  throw new ResourceExhaustedError(`leaves/${leaf}/vlans`, `every VLAN on leaf ${leaf} is in use`);
}
