import { gatewayOperationKinds, type GatewayOperation } from '../../operations/gateway-operation';
import type { FabricOperation } from '../../operations/fabric-operation';
import type { DeviceState, GatewayState } from '../../state/fabric-state';
import { refused, succeeded, type ContractContext } from './contract-context';
import {
  contractGateway,
  contractLeaf,
  emptyState,
  vrfOperation,
  vrfState,
} from './contract-fixtures';

const link = (vrf: string, index: number): GatewayOperation => ({
  kind: 'addTransferLink',
  vrf,
  vrfAddress: `172.16.0.${2 * index}/31`,
  gatewayAddress: `172.16.0.${2 * index + 1}/31`,
});

const noGateway: GatewayState = {
  transferLinks: [],
  defaultRoutes: [],
  snatRules: [],
  dnatRules: [],
  upstreamPrefixes: [],
};

/**
 * The gateway operations on a gateway node (options.gatewayNodes): each kind with its read-back,
 * ensure semantics, and what a node refuses. Public addresses are documentation ranges.
 */
export function describeGatewayOperations({
  test,
  run,
  state,
  expectOutcomes,
  options,
}: ContractContext) {
  const enabled = options.gatewayNodes === true;
  const onGateway = (operation: FabricOperation) => run(operation, undefined, contractGateway);
  const gatewayState = () => state(contractGateway);

  describe('gateway operations', () => {
    test(
      'applies each gateway kind and reads the node back as each left it',
      async () => {
        const vrf = vrfOperation('blue', 50201);
        const vrfOnly = (bgpEvpn: boolean): DeviceState => ({
          ...emptyState,
          vrfs: [vrfState(vrf, bgpEvpn)],
        });
        const withGateway = (gateway: Partial<GatewayState>): DeviceState => ({
          ...vrfOnly(true),
          gateway: { ...noGateway, ...gateway },
        });
        const transferLinks = [
          { vrf: 'blue', vrfAddress: '172.16.0.0/31', gatewayAddress: '172.16.0.1/31' },
        ];
        const defaultRoutes = [{ vrf: 'blue', nextHop: '172.16.0.1' }];
        const snatRules = [{ vrf: 'blue', publicAddress: '203.0.113.5' }];
        const dnatRules = [
          { vrf: 'blue', publicAddress: '198.51.100.7', privateAddress: '10.0.1.5' },
        ];
        const steps: [string, FabricOperation, DeviceState][] = [
          ['create the VPC VRF on the node', vrf, vrfOnly(false)],
          ['turn on its BGP EVPN', { kind: 'configureBgpEvpn', vrf: 'blue' }, vrfOnly(true)],
          ['add the transfer link', link('blue', 0), withGateway({ transferLinks })],
          [
            'add the default route',
            { kind: 'addDefaultRoute', vrf: 'blue', nextHop: '172.16.0.1' },
            withGateway({ transferLinks, defaultRoutes }),
          ],
          [
            'add the SNAT rule',
            { kind: 'addSnat', vrf: 'blue', publicAddress: '203.0.113.5' },
            withGateway({ transferLinks, defaultRoutes, snatRules }),
          ],
          [
            'add a DNAT rule',
            {
              kind: 'addDnat',
              vrf: 'blue',
              publicAddress: '198.51.100.7',
              privateAddress: '10.0.1.5',
            },
            withGateway({ transferLinks, defaultRoutes, snatRules, dnatRules }),
          ],
          [
            'announce the floating IP upstream',
            { kind: 'announceUpstream', prefix: '198.51.100.7/32' },
            withGateway({
              transferLinks,
              defaultRoutes,
              snatRules,
              dnatRules,
              upstreamPrefixes: ['198.51.100.7/32'],
            }),
          ],
          [
            'withdraw it',
            { kind: 'withdrawUpstream', prefix: '198.51.100.7/32' },
            withGateway({ transferLinks, defaultRoutes, snatRules, dnatRules }),
          ],
          [
            'remove the DNAT rule',
            { kind: 'removeDnat', vrf: 'blue', publicAddress: '198.51.100.7' },
            withGateway({ transferLinks, defaultRoutes, snatRules }),
          ],
          [
            'remove the SNAT rule',
            { kind: 'removeSnat', vrf: 'blue' },
            withGateway({ transferLinks, defaultRoutes }),
          ],
          [
            'remove the default route',
            { kind: 'removeDefaultRoute', vrf: 'blue' },
            withGateway({ transferLinks }),
          ],
          ['remove the transfer link', { kind: 'removeTransferLink', vrf: 'blue' }, vrfOnly(true)],
        ];
        expect(
          new Set(
            steps
              .map(([, operation]) => operation.kind)
              .filter((kind) => (gatewayOperationKinds as readonly string[]).includes(kind)),
          ),
        ).toEqual(new Set(gatewayOperationKinds));
        for (const [step, operation, expected] of steps) {
          const outcome = await onGateway(operation);
          expect({ step, outcome, state: await gatewayState() }).toEqual({
            step,
            outcome: succeeded(true),
            state: expected,
          });
        }
        expect(await state(contractLeaf)).toEqual(emptyState);
      },
      enabled,
    );

    test(
      'succeeds without change when the node is already as asked, and keeps two VRFs with the same private addresses apart',
      async () => {
        const setUp: FabricOperation[] = [
          vrfOperation('red', 50202),
          { kind: 'configureBgpEvpn', vrf: 'red' },
          vrfOperation('green', 50203),
          link('red', 1),
          link('green', 2),
          { kind: 'addSnat', vrf: 'red', publicAddress: '203.0.113.6' },
          {
            kind: 'addDnat',
            vrf: 'red',
            publicAddress: '198.51.100.8',
            privateAddress: '10.0.1.5',
          },
          {
            kind: 'addDnat',
            vrf: 'green',
            publicAddress: '198.51.100.9',
            privateAddress: '10.0.1.5',
          },
          { kind: 'announceUpstream', prefix: '203.0.113.6/32' },
        ];
        for (const operation of setUp) {
          expect({ operation, outcome: await onGateway(operation) }).toEqual({
            operation,
            outcome: succeeded(true),
          });
        }
        const before = await gatewayState();
        const alreadyAsAsked: FabricOperation[] = [
          ...setUp,
          { kind: 'removeDefaultRoute', vrf: 'red' },
          { kind: 'removeSnat', vrf: 'green' },
          { kind: 'removeDnat', vrf: 'green', publicAddress: '198.51.100.10' },
          { kind: 'withdrawUpstream', prefix: '198.51.100.10/32' },
          { kind: 'removeTransferLink', vrf: 'absent' },
        ];
        for (const operation of alreadyAsAsked) {
          expect({ operation, outcome: await onGateway(operation) }).toEqual({
            operation,
            outcome: succeeded(false),
          });
        }
        expect(await gatewayState()).toEqual(before);
      },
      enabled,
    );

    test(
      'refuses what the node cannot do, changing nothing',
      async () => {
        const expectOnGateway = async (
          cases: readonly (readonly [FabricOperation, object])[],
        ): Promise<void> => {
          for (const [operation, outcome] of cases) {
            expect({ operation, outcome: await onGateway(operation) }).toMatchObject({
              operation,
              outcome,
            });
          }
        };
        await expectOutcomes([[link('red', 3), refused('unsupported')]]);
        await expectOnGateway([
          [link('red', 3), refused('not-found')],
          [
            {
              kind: 'addTransferLink',
              vrf: 'red',
              vrfAddress: '172.16.0.6/31',
              gatewayAddress: '172.16.0.9/31',
            },
            refused('invalid'),
          ],
          [{ kind: 'addSnat', vrf: 'red', publicAddress: '203.0.113.300' }, refused('invalid')],
          [{ kind: 'announceUpstream', prefix: '203.0.113.1/24' }, refused('invalid')],
        ]);
        expect(await gatewayState()).toEqual(emptyState);
        for (const operation of [
          vrfOperation('red', 50204),
          vrfOperation('green', 50205),
          link('red', 3),
          { kind: 'addSnat', vrf: 'red', publicAddress: '203.0.113.7' },
        ] satisfies FabricOperation[]) {
          expect(await onGateway(operation)).toEqual(succeeded(true));
        }
        const before = await gatewayState();
        await expectOnGateway([
          [{ kind: 'addDefaultRoute', vrf: 'red', nextHop: '172.16.0.7' }, refused('dependency')],
          [{ kind: 'addSnat', vrf: 'green', publicAddress: '203.0.113.8' }, refused('dependency')],
          [{ kind: 'announceUpstream', prefix: '198.51.100.11/32' }, refused('dependency')],
          [{ kind: 'removeTransferLink', vrf: 'red' }, refused('dependency')],
          [{ kind: 'deleteVrf', vrf: 'red' }, refused('dependency')],
          [{ kind: 'addSnat', vrf: 'red', publicAddress: '203.0.113.9' }, refused('conflict')],
          [link('green', 3), refused('conflict')],
          [
            {
              kind: 'addDnat',
              vrf: 'red',
              publicAddress: '203.0.113.7',
              privateAddress: '10.0.1.9',
            },
            refused('conflict'),
          ],
        ]);
        expect(await gatewayState()).toEqual(before);
      },
      enabled,
    );
  });
}
