import type { BindL2Vni, FabricOperation } from '../../operations/fabric-operation';
import { shapingOperationKinds, type ShapingLimit } from '../../operations/shaping-operation';
import { shapingStateOf, type ShapingState } from '../../state/fabric-state';
import { refused, succeeded, type ContractContext } from './contract-context';
import { contractGateway, vrfOperation } from './contract-fixtures';

const tenMbit: ShapingLimit = { rateKbps: 10_000, burstBytes: 15_000 };
const hundredMbit: ShapingLimit = { rateKbps: 100_000, burstBytes: 125_000 };

const bind = (vlan: number, l2Vni: number, address: string): BindL2Vni => ({
  kind: 'bindL2Vni',
  l2Vni,
  vrf: 'blue',
  vlan,
  interface: 'swp1',
  anycastGateway: address,
  gatewayMac: '00:00:5e:00:01:01',
});

const noShaping: ShapingState = { ports: [], floatingIps: [] };

/**
 * Traffic shaping: each shaping kind with its read-back on a leaf (and, with gateway nodes, on
 * the node), ensure semantics, the dependencies that keep every inverse exact, and refusals.
 * Limits round-trip exactly on every driver (a burst a whole number of the shaper's ticks).
 */
export function describeShapingOperations({
  test,
  run,
  state,
  expectOutcomes,
  options,
}: ContractContext) {
  const shapingOn = async (device?: string) => shapingStateOf(await state(device));

  describe('shaping operations', () => {
    test('shapes two ports behind one interface and VLAN apart, changes a rate in place and removes each', async () => {
      await expectOutcomes([
        [vrfOperation('blue', 50301), succeeded(true)],
        [bind(100, 100301, '10.0.1.1/24'), succeeded(true)],
      ]);
      const vm1 = { interface: 'swp1', vlan: 100, address: '10.0.1.5' };
      const vm2 = { interface: 'swp1', vlan: 100, address: '10.0.1.6' };
      const steps: [string, FabricOperation, ShapingState][] = [
        [
          'shape the first port both ways',
          { kind: 'shapePort', ...vm1, ingress: tenMbit, egress: tenMbit },
          { ...noShaping, ports: [{ ...vm1, ingress: tenMbit, egress: tenMbit }] },
        ],
        [
          'shape the second port towards it only',
          { kind: 'shapePort', ...vm2, ingress: hundredMbit, egress: null },
          {
            ...noShaping,
            ports: [
              { ...vm1, ingress: tenMbit, egress: tenMbit },
              { ...vm2, ingress: hundredMbit, egress: null },
            ],
          },
        ],
        [
          'change the first port to 100 Mbit/s from it',
          { kind: 'shapePort', ...vm1, ingress: tenMbit, egress: hundredMbit },
          {
            ...noShaping,
            ports: [
              { ...vm1, ingress: tenMbit, egress: hundredMbit },
              { ...vm2, ingress: hundredMbit, egress: null },
            ],
          },
        ],
        [
          'remove the first port',
          { kind: 'unshapePort', ...vm1 },
          { ...noShaping, ports: [{ ...vm2, ingress: hundredMbit, egress: null }] },
        ],
        ['remove the second port', { kind: 'unshapePort', ...vm2 }, noShaping],
      ];
      for (const [step, operation, expected] of steps) {
        const outcome = await run(operation);
        expect({ step, outcome, shaping: await shapingOn() }).toEqual({
          step,
          outcome: succeeded(true),
          shaping: expected,
        });
      }
      expect((await state()).shaping).toBeUndefined();
    });

    test('succeeds without change when a port is already shaped as asked, and refuses what it cannot do', async () => {
      const vm = { interface: 'swp1', vlan: 100, address: '10.0.1.5' };
      await expectOutcomes([
        [vrfOperation('blue', 50302), succeeded(true)],
        [bind(100, 100302, '10.0.1.1/24'), succeeded(true)],
        [{ kind: 'shapePort', ...vm, ingress: tenMbit, egress: null }, succeeded(true)],
      ]);
      const before = await state();
      await expectOutcomes([
        [{ kind: 'shapePort', ...vm, ingress: tenMbit, egress: null }, succeeded(false)],
        [{ kind: 'unshapePort', ...vm, address: '10.0.1.9' }, succeeded(false)],
        // Not bound: VLAN 200 has no L2 VNI on the interface.
        [
          { kind: 'shapePort', ...vm, vlan: 200, ingress: tenMbit, egress: null },
          refused('dependency'),
        ],
        // The interface cannot leave the VLAN while a port on it is shaped.
        [
          { kind: 'unbindL2Vni', l2Vni: 100302, vlan: 100, interface: 'swp1' },
          refused('dependency'),
        ],
        [{ kind: 'shapePort', ...vm, ingress: null, egress: null }, refused('invalid')],
        [
          { kind: 'shapePort', ...vm, ingress: { rateKbps: 0, burstBytes: 1500 }, egress: null },
          refused('invalid'),
        ],
        [
          { kind: 'shapePort', ...vm, interface: 'swp99', ingress: tenMbit, egress: null },
          refused('invalid'),
        ],
      ]);
      expect(await state()).toEqual(before);
    });

    test('shapes a bare-metal server on its access port (untagged), which stays bound while shaped', async () => {
      const server = { interface: 'swp2', vlan: 200, address: '10.0.2.5' };
      const access: BindL2Vni = {
        ...bind(200, 100304, '10.0.2.1/24'),
        interface: 'swp2',
        untagged: true,
      };
      await expectOutcomes([
        [vrfOperation('blue', 50304), succeeded(true)],
        [access, succeeded(true)],
        [{ kind: 'shapePort', ...server, ingress: tenMbit, egress: hundredMbit }, succeeded(true)],
      ]);
      expect(await shapingOn()).toEqual({
        ...noShaping,
        ports: [{ ...server, ingress: tenMbit, egress: hundredMbit }],
      });
      await expectOutcomes([
        [
          { kind: 'unbindL2Vni', l2Vni: 100304, vlan: 200, interface: 'swp2', untagged: true },
          refused('dependency'),
        ],
        [{ kind: 'unshapePort', ...server }, succeeded(true)],
        [
          { kind: 'unbindL2Vni', l2Vni: 100304, vlan: 200, interface: 'swp2', untagged: true },
          succeeded(true),
        ],
      ]);
      expect((await state()).shaping).toBeUndefined();
    });

    test(
      'shapes a floating IP on a gateway node, each way, and keeps its DNAT rule while shaped',
      async () => {
        const onGateway = (operation: FabricOperation) =>
          run(operation, undefined, contractGateway);
        const setUp: FabricOperation[] = [
          vrfOperation('blue', 50303),
          {
            kind: 'addTransferLink',
            vrf: 'blue',
            vrfAddress: '172.16.0.0/31',
            gatewayAddress: '172.16.0.1/31',
          },
          {
            kind: 'addDnat',
            vrf: 'blue',
            publicAddress: '198.51.100.7',
            privateAddress: '10.0.1.5',
          },
        ];
        for (const operation of setUp) {
          expect({ operation, outcome: await onGateway(operation) }).toEqual({
            operation,
            outcome: succeeded(true),
          });
        }
        const floatingIp = { vrf: 'blue', publicAddress: '198.51.100.7' };
        const cases: [FabricOperation, object, ShapingState][] = [
          [
            { kind: 'shapeFloatingIp', ...floatingIp, ingress: tenMbit, egress: hundredMbit },
            succeeded(true),
            {
              ...noShaping,
              floatingIps: [{ ...floatingIp, ingress: tenMbit, egress: hundredMbit }],
            },
          ],
          [
            { kind: 'shapeFloatingIp', ...floatingIp, ingress: tenMbit, egress: hundredMbit },
            succeeded(false),
            {
              ...noShaping,
              floatingIps: [{ ...floatingIp, ingress: tenMbit, egress: hundredMbit }],
            },
          ],
          [
            { kind: 'removeDnat', ...floatingIp },
            refused('dependency'),
            {
              ...noShaping,
              floatingIps: [{ ...floatingIp, ingress: tenMbit, egress: hundredMbit }],
            },
          ],
          [
            {
              kind: 'shapeFloatingIp',
              vrf: 'blue',
              publicAddress: '198.51.100.8',
              ingress: tenMbit,
              egress: null,
            },
            refused('dependency'),
            {
              ...noShaping,
              floatingIps: [{ ...floatingIp, ingress: tenMbit, egress: hundredMbit }],
            },
          ],
          [{ kind: 'unshapeFloatingIp', ...floatingIp }, succeeded(true), noShaping],
        ];
        for (const [operation, outcome, expected] of cases) {
          expect({
            operation,
            outcome: await onGateway(operation),
            shaping: await shapingOn(contractGateway),
          }).toMatchObject({ operation, outcome, shaping: expected });
        }
        expect(
          new Set([...cases.map(([operation]) => operation.kind), 'shapePort', 'unshapePort']),
        ).toEqual(new Set([...shapingOperationKinds, 'removeDnat']));
      },
      options.gatewayNodes === true,
    );
  });
}
