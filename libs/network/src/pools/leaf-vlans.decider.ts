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
        data: { leaf, vlan, subnet, l2Vni, port, interface: portInterface, owner },
      },
    ];
  },

  evolve(state, event) {
    const vlans = new Map(state.vlans);
    const use = vlans.get(event.data.vlan);
    const ports = new Map(use?.ports);
    if (event.type === 'LeafVlanBound') {
      ports.set(event.data.port, { owner: event.data.owner, interface: event.data.interface });
    } else ports.delete(event.data.port);
    if (ports.size === 0) vlans.delete(event.data.vlan);
    else vlans.set(event.data.vlan, { subnet: event.data.subnet, ports });
    return { vlans };
  },
};

function lowestFreeVlan(state: LeafVlansState, leaf: string): number {
  for (let vlan = tenantVlanRange.first; vlan <= tenantVlanRange.last; vlan += 1) {
    if (!state.vlans.has(vlan)) return vlan;
  }
  throw new ResourceExhaustedError(`leaves/${leaf}/vlans`, `every VLAN on leaf ${leaf} is in use`);
}
