import type { Decider } from '@loom/intents';
import { FailedPreconditionError, ResourceExhaustedError } from '@loom/errors';
import { Map as ImmutableMap } from 'immutable';
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
  readonly ports: ImmutableMap<string, PortOnLeaf>;
}

/**
 * On a leaf one VLAN carries one subnet, shared by all that subnet's ports on the leaf. Beside the
 * uses by VLAN, the same ports by name, by subnet and by interface: a leaf holds thousands of
 * ports, and a decision reads the few it needs instead of scanning them all. Persistent maps, so
 * an event does not copy what a leaf holds (profile of populating 100,000 ports, bench/README.md).
 */
export interface LeafVlansState {
  readonly vlans: ImmutableMap<number, VlanUse>;
  readonly portVlans: ImmutableMap<string, number>;
  readonly subnetVlans: ImmutableMap<string, number>;
  readonly interfacePorts: ImmutableMap<string, ImmutableMap<string, PortOnLeaf>>;
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
  return state.portVlans.get(port);
}

function vlanOfSubnet(state: LeafVlansState, subnet: string): number | undefined {
  return state.subnetVlans.get(subnet);
}

const noPorts = ImmutableMap<string, PortOnLeaf>();

export const leafVlansDecider: Decider<LeafVlanCommand, LeafVlanEvent, LeafVlansState> = {
  initialState: () => ({
    vlans: ImmutableMap(),
    portVlans: ImmutableMap(),
    subnetVlans: ImmutableMap(),
    interfacePorts: ImmutableMap(),
  }),

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
    const { vlan, port, subnet } = event.data;
    const use = state.vlans.get(vlan);
    if (event.type === 'LeafVlanBound') {
      const { owner, interface: portInterface, untagged = false } = event.data;
      const placement: PortOnLeaf = { owner, interface: portInterface, untagged };
      return {
        vlans: state.vlans.set(vlan, {
          subnet,
          ports: (use?.ports ?? noPorts).set(port, placement),
        }),
        portVlans: state.portVlans.set(port, vlan),
        subnetVlans: state.subnetVlans.set(subnet, vlan),
        interfacePorts: state.interfacePorts.update(portInterface, noPorts, (ports) =>
          ports.set(port, placement),
        ),
      };
    }
    const placement = use?.ports.get(port);
    const ports = (use?.ports ?? noPorts).delete(port);
    const vlanFreed = ports.size === 0;
    const onInterface =
      placement === undefined
        ? undefined
        : (state.interfacePorts.get(placement.interface) ?? noPorts).delete(port);
    return {
      vlans: vlanFreed ? state.vlans.delete(vlan) : state.vlans.set(vlan, { subnet, ports }),
      portVlans:
        state.portVlans.get(port) === vlan ? state.portVlans.delete(port) : state.portVlans,
      subnetVlans:
        vlanFreed && state.subnetVlans.get(use?.subnet ?? subnet) === vlan
          ? state.subnetVlans.delete(use?.subnet ?? subnet)
          : state.subnetVlans,
      interfacePorts:
        placement === undefined || onInterface === undefined
          ? state.interfacePorts
          : onInterface.size === 0
            ? state.interfacePorts.delete(placement.interface)
            : state.interfacePorts.set(placement.interface, onInterface),
    };
  },
};

/** The ports bound to `portInterface` on the leaf, on any VLAN. */
function portsOnInterface(state: LeafVlansState, portInterface: string): [string, PortOnLeaf][] {
  return [...(state.interfacePorts.get(portInterface) ?? noPorts).entries()];
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
