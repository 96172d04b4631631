import { FailedPreconditionError, ResourceExhaustedError } from '@loom/errors';
import { fold } from '@loom/intents';
import fc from 'fast-check';
import { specify } from '@loom/intents/testing';
import {
  leafVlansDecider,
  tenantVlanRange,
  vlanOfPort,
  type LeafVlanCommand,
  type LeafVlansState,
} from './leaf-vlans.decider';
import type { LeafVlanEvent } from './leaf-vlans.events';

const leaf = 'leaf-1';
const web = { subnet: 'subnets/web', l2Vni: 100_001 };
const db = { subnet: 'subnets/db', l2Vni: 100_002 };
type Subnet = typeof web;

const bind = (
  port: string,
  { subnet, l2Vni }: Subnet,
  vlan?: number,
  owner = `op-${port}`,
): LeafVlanCommand => ({
  type: 'BindPortVlan',
  leaf,
  subnet,
  l2Vni,
  port,
  interface: `eth-${port}`,
  vlan,
  untagged: false,
  owner,
});
const bound = (
  port: string,
  vlan: number,
  { subnet, l2Vni }: Subnet,
  owner = `op-${port}`,
): LeafVlanEvent => ({
  type: 'LeafVlanBound',
  data: { leaf, vlan, subnet, l2Vni, port, interface: `eth-${port}`, owner },
});
const unbind = (port: string, owner = `op-${port}`): LeafVlanCommand => ({
  type: 'UnbindPortVlan',
  leaf,
  port,
  owner,
});
const unbound = (port: string, vlan: number, { subnet }: Subnet, owner = `op-${port}`) =>
  ({ type: 'LeafVlanUnbound', data: { leaf, vlan, subnet, port, owner } }) as const;
const given = specify(leafVlansDecider);

function refusalOf(decide: () => unknown): unknown {
  try {
    decide();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('leaf VLAN decider', () => {
  describe('BindPortVlan', () => {
    it("gives a subnet's first port on the leaf the lowest free VLAN", () => {
      given([])
        .when(bind('p1', web))
        .then([bound('p1', tenantVlanRange.first, web)]);
      given([bound('p1', 2, web)])
        .when(bind('p2', db))
        .then([bound('p2', 3, db)]);
      given([bound('p1', 2, web), bound('p2', 4, db)])
        .when(bind('p3', { subnet: 'subnets/app', l2Vni: 100_003 }))
        .then([bound('p3', 3, { subnet: 'subnets/app', l2Vni: 100_003 })]);
    });

    it("puts the subnet's other ports on the VLAN the subnet already has", () => {
      given([bound('p1', 7, web)])
        .when(bind('p2', web))
        .then([bound('p2', 7, web)]);
      given([bound('p1', 7, web)])
        .when(bind('p2', web, 7))
        .then([bound('p2', 7, web)]);
    });

    it('takes the VLAN the caller asked for when it is free', () => {
      given([])
        .when(bind('p1', web, 100))
        .then([bound('p1', 100, web)]);
      given([bound('p1', 2, web)])
        .when(bind('p2', db, 4094))
        .then([bound('p2', 4094, db)]);
    });

    it.each([
      [
        'a VLAN that carries another subnet',
        bind('p2', db, 100),
        'VLAN_IN_USE',
        'VLAN 100 on leaf leaf-1 already carries another subnet',
      ],
      [
        'a second VLAN for a subnet that already has one on the leaf',
        bind('p2', web, 200),
        'SUBNET_ON_OTHER_VLAN',
        'the subnet already uses VLAN 100 on leaf leaf-1',
      ],
    ])('refuses %s', (_, command, type, description) => {
      given([bound('p1', 100, web)])
        .when(command)
        .thenThrows(FailedPreconditionError, { subject: 'port.binding.vlan', type, description });
    });

    it('decides nothing on a retry by the operation that bound the port', () => {
      given([bound('p1', 100, web)])
        .when(bind('p1', web))
        .then([]);
      given([bound('p1', 100, web)])
        .when(bind('p1', web, 100))
        .then([]);
    });

    it('refuses a port that another operation already bound on the leaf', () => {
      given([bound('p1', 100, web)])
        .when(bind('p1', web, 100, 'op-other'))
        .thenThrows(FailedPreconditionError, {
          subject: 'port.binding',
          type: 'PORT_ALREADY_BOUND',
        });
      given([bound('p1', 100, web)])
        .when(bind('p1', db, undefined, 'op-other'))
        .thenThrows(FailedPreconditionError, /p1 is already bound on leaf leaf-1/);
    });

    it('is refused once every VLAN of the leaf carries a subnet', () => {
      // Folded from 4,093 binds: the persistent maps make that a matter of milliseconds.
      const full = Array.from(
        { length: tenantVlanRange.last - tenantVlanRange.first + 1 },
        (_, index) => tenantVlanRange.first + index,
      ).reduce(
        (state, vlan) =>
          leafVlansDecider.evolve(state, {
            type: 'LeafVlanBound',
            data: {
              leaf: 'leaf-1',
              vlan,
              subnet: `subnets/s${vlan}`,
              l2Vni: 100_000 + vlan,
              port: `p${vlan}`,
              interface: `eth-p${vlan}`,
              owner: `op-p${vlan}`,
            },
          }),
        leafVlansDecider.initialState(),
      );
      const refusal = refusalOf(() =>
        leafVlansDecider.decide(bind('late', { subnet: 'subnets/late', l2Vni: 200_000 }), full),
      );
      expect(refusal).toBeInstanceOf(ResourceExhaustedError);
      expect(refusal).toMatchObject({
        subject: 'leaves/leaf-1/vlans',
        description: 'every VLAN on leaf leaf-1 is in use',
      });
      expect(
        leafVlansDecider.decide(bind('late', { subnet: 'subnets/s2', l2Vni: 100_002 }), full),
      ).toEqual([bound('late', 2, { subnet: 'subnets/s2', l2Vni: 100_002 })]);
    });
  });

  describe('bare-metal ports (access mode)', () => {
    const onInterface = (command: LeafVlanCommand, name: string, untagged: boolean) =>
      ({ ...command, interface: name, untagged }) as LeafVlanCommand;
    const boundOn = (event: LeafVlanEvent, name: string, untagged: boolean): LeafVlanEvent =>
      ({
        ...event,
        data: { ...event.data, interface: name, ...(untagged ? { untagged: true } : {}) },
      }) as LeafVlanEvent;

    it('binds an interface of its own in access mode, recorded on the event', () => {
      given([])
        .when(onInterface(bind('bm1', web), 'swp5', true))
        .then([boundOn(bound('bm1', 2, web), 'swp5', true)]);
    });

    it('refuses an interface that carries VM VLANs, naming the interface', () => {
      given([boundOn(bound('vm1', 2, web), 'swp5', false)])
        .when(onInterface(bind('bm1', db), 'swp5', true))
        .thenThrows(FailedPreconditionError, {
          subject: 'port.binding.interface',
          type: 'INTERFACE_CARRIES_VM_VLANS',
        });
      // Even the same subnet's VLAN: the trunk would carry it tagged.
      given([boundOn(bound('vm1', 2, web), 'swp5', false)])
        .when(onInterface(bind('bm1', web), 'swp5', true))
        .thenThrows(FailedPreconditionError, /VM trunk carrying vm1/);
    });

    it("refuses VM VLANs and a second bare-metal port on a bare-metal port's interface", () => {
      const taken = [boundOn(bound('bm1', 2, web), 'swp5', true)];
      for (const command of [
        onInterface(bind('vm1', web), 'swp5', false),
        onInterface(bind('vm2', db), 'swp5', false),
        onInterface(bind('bm2', web), 'swp5', true),
      ]) {
        given(taken).when(command).thenThrows(FailedPreconditionError, {
          subject: 'port.binding.interface',
          type: 'INTERFACE_IN_ACCESS_MODE',
        });
      }
    });

    it('gives the interface back when the port is unbound', () => {
      const events = [boundOn(bound('bm1', 2, web), 'swp5', true), unbound('bm1', 2, web)];
      given(events)
        .when(onInterface(bind('vm1', db), 'swp5', false))
        .then([boundOn(bound('vm1', 2, db), 'swp5', false)]);
      const state = fold(leafVlansDecider, events);
      expect(state.vlans.size).toBe(0);
    });

    it('a retried bind of the same bare-metal port decides nothing', () => {
      const command = onInterface(bind('bm1', web), 'swp5', true);
      given([boundOn(bound('bm1', 2, web), 'swp5', true)])
        .when(command)
        .then([]);
    });
  });

  describe('UnbindPortVlan', () => {
    it('unbinds the port for the operation that bound it', () => {
      given([bound('p1', 100, web)])
        .when(unbind('p1'))
        .then([unbound('p1', 100, web)]);
    });

    it('decides nothing for another operation, an unknown port or a second unbind', () => {
      given([bound('p1', 100, web)])
        .when(unbind('p1', 'op-other'))
        .then([]);
      given([bound('p1', 100, web)])
        .when(unbind('p2'))
        .then([]);
      given([bound('p1', 100, web), unbound('p1', 100, web)])
        .when(unbind('p1'))
        .then([]);
    });

    it("frees the VLAN with the subnet's last port on the leaf, not before", () => {
      const two = [bound('p1', 2, web), bound('p2', 2, web)];
      given([...two, unbound('p1', 2, web)])
        .when(bind('p3', db))
        .then([bound('p3', 3, db)]);
      given([...two, unbound('p1', 2, web), unbound('p2', 2, web)])
        .when(bind('p3', db))
        .then([bound('p3', 2, db)]);
      expect(vlanOfPort(fold(leafVlansDecider, [...two, unbound('p1', 2, web)]), 'p2')).toBe(2);
      expect(vlanOfPort(fold(leafVlansDecider, [...two, unbound('p1', 2, web)]), 'p1')).toBe(
        undefined,
      );
    });
  });

  describe('over any sequence of binds and unbinds', () => {
    const subnets: Subnet[] = [web, db, { subnet: 'subnets/app', l2Vni: 100_003 }];
    const steps = fc.array(
      fc.record({
        unbind: fc.boolean(),
        port: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5'),
        subnet: fc.constantFrom(...subnets),
        vlan: fc.option(fc.constantFrom(2, 3, 4, 4094), { nil: undefined }),
        owner: fc.constantFrom('op-1', 'op-2'),
        switchInterface: fc.constantFrom('eth-a', 'eth-b'),
      }),
      { maxLength: 40 },
    );

    /** Every VLAN in range and carrying ports; on the leaf one subnet a VLAN, one VLAN a subnet. */
    function expectConsistent(state: LeafVlansState): void {
      const subnetsSeen = new Set<string>();
      const portsSeen = new Set<string>();
      for (const [vlan, use] of state.vlans) {
        expect(vlan).toBeGreaterThanOrEqual(tenantVlanRange.first);
        expect(vlan).toBeLessThanOrEqual(tenantVlanRange.last);
        expect(use.ports.size).toBeGreaterThan(0);
        expect(subnetsSeen.has(use.subnet)).toBe(false);
        subnetsSeen.add(use.subnet);
        for (const port of use.ports.keys()) {
          expect(portsSeen.has(port)).toBe(false);
          portsSeen.add(port);
        }
      }
      // The indexes say what a scan of the uses says.
      const scanned = [...state.vlans].flatMap(([vlan, use]) =>
        [...use.ports].map(([port, placement]) => ({ vlan, subnet: use.subnet, port, placement })),
      );
      expect(state.portVlans.toJS()).toEqual(
        Object.fromEntries(scanned.map(({ port, vlan }) => [port, vlan])),
      );
      expect(state.subnetVlans.toJS()).toEqual(
        Object.fromEntries(scanned.map(({ subnet, vlan }) => [subnet, vlan])),
      );
      const byInterface: Record<string, Record<string, unknown>> = {};
      for (const { port, placement } of scanned) {
        (byInterface[placement.interface] ??= {})[port] = placement;
      }
      expect(state.interfacePorts.toJS()).toEqual(byInterface);
    }

    it('keeps VLANs unique per subnet and ports on one VLAN, and a repeat decides nothing', () => {
      fc.assert(
        fc.property(steps, (commands) => {
          let state = leafVlansDecider.initialState();
          for (const step of commands) {
            const command = step.unbind
              ? unbind(step.port, step.owner)
              : ({
                  ...bind(step.port, step.subnet, step.vlan, step.owner),
                  interface: step.switchInterface,
                } as LeafVlanCommand);
            let events: LeafVlanEvent[];
            try {
              events = leafVlansDecider.decide(command, state);
            } catch (error) {
              expect(error).toBeInstanceOf(FailedPreconditionError);
              continue;
            }
            state = events.reduce(leafVlansDecider.evolve, state);
            expectConsistent(state);
            expect(leafVlansDecider.decide(command, state)).toEqual([]);
          }
        }),
      );
    });
  });
});
