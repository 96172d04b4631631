import type { FabricOperation } from '../../operations/fabric-operation';
import { serviceOperationKinds } from '../../operations/service-operation';
import type { DeviceState, ServiceState } from '../../state/fabric-state';
import { refused, succeeded, type ContractContext } from './contract-context';
import {
  contractBorder,
  contractLeaf,
  emptyState,
  vrfOperation,
  vrfState,
} from './contract-fixtures';

const noService: ServiceState = { links: [], routes: [], nats: [] };

const link = (vrf: string, index: number): FabricOperation => ({
  kind: 'addServiceLink',
  vrf,
  vrfAddress: `100.64.0.${2 * index + 1}/31`,
  nodeAddress: `100.64.0.${2 * index}/31`,
});

/**
 * The service IP operations on a border leaf (options.serviceNodes): each kind with its
 * read-back, ensure semantics, and what a node refuses.
 */
export function describeServiceOperations({
  test,
  run,
  state,
  expectOutcomes,
  options,
}: ContractContext) {
  const enabled = options.serviceNodes === true;
  const onBorder = (operation: FabricOperation) => run(operation, undefined, contractBorder);
  const borderState = () => state(contractBorder);
  const outcomesOnBorder = async (cases: readonly (readonly [FabricOperation, object])[]) => {
    for (const [operation, outcome] of cases) {
      expect({ operation, outcome: await onBorder(operation) }).toMatchObject({
        operation,
        outcome,
      });
    }
  };

  describe('service IP operations', () => {
    test(
      'applies each service kind and reads the border leaf back as each left it',
      async () => {
        const vrf = vrfOperation('teal', 50301);
        const vrfOnly = (bgpEvpn: boolean): DeviceState => ({
          ...emptyState,
          vrfs: [vrfState(vrf, bgpEvpn)],
        });
        const withService = (service: Partial<ServiceState>): DeviceState => ({
          ...vrfOnly(true),
          service: { ...noService, ...service },
        });
        const links = [{ vrf: 'teal', vrfAddress: '100.64.0.1/31', nodeAddress: '100.64.0.0/31' }];
        const dns = { vrf: 'teal', prefix: '10.0.200.10/32' };
        const mirror = { vrf: 'teal', prefix: '10.0.201.0/24' };
        const nats = [{ vrf: 'teal', address: '100.64.0.1' }];
        const steps: [string, FabricOperation, DeviceState][] = [
          ['create the VPC VRF on the border leaf', vrf, vrfOnly(false)],
          ['turn on its BGP EVPN', { kind: 'configureBgpEvpn', vrf: 'teal' }, vrfOnly(true)],
          ['add the service link', link('teal', 0), withService({ links })],
          [
            'leak a management host',
            { kind: 'addServiceRoute', ...dns },
            withService({ links, routes: [dns] }),
          ],
          [
            'leak a management prefix',
            { kind: 'addServiceRoute', ...mirror },
            withService({ links, routes: [dns, mirror] }),
          ],
          [
            'translate to the VPC address',
            { kind: 'addServiceNat', vrf: 'teal', address: '100.64.0.1' },
            withService({ links, routes: [dns, mirror], nats }),
          ],
          [
            'stop translating',
            { kind: 'removeServiceNat', vrf: 'teal' },
            withService({ links, routes: [dns, mirror] }),
          ],
          [
            'remove a leaked prefix',
            { kind: 'removeServiceRoute', ...mirror },
            withService({ links, routes: [dns] }),
          ],
          ['remove the other', { kind: 'removeServiceRoute', ...dns }, withService({ links })],
          ['remove the link', { kind: 'removeServiceLink', vrf: 'teal' }, vrfOnly(true)],
        ];
        expect(new Set(steps.map(([, operation]) => operation.kind))).toEqual(
          new Set(['createVrf', 'configureBgpEvpn', ...serviceOperationKinds]),
        );
        for (const [step, operation, expected] of steps) {
          const outcome = await onBorder(operation);
          expect({ step, outcome, state: await borderState() }).toEqual({
            step,
            outcome: succeeded(true),
            state: expected,
          });
        }
      },
      enabled,
    );

    test(
      'succeeds without change when the border leaf is already as asked, and refuses what it cannot do',
      async () => {
        const vrf = vrfOperation('plum', 50302);
        const other = vrfOperation('sage', 50303);
        await outcomesOnBorder([
          [vrf, succeeded(true)],
          [other, succeeded(true)],
          // Nothing to route or translate through before the link exists.
          [
            { kind: 'addServiceRoute', vrf: 'plum', prefix: '10.0.200.10/32' },
            refused('dependency'),
          ],
          [{ kind: 'addServiceNat', vrf: 'plum', address: '100.64.0.1' }, refused('dependency')],
          [{ ...link('absent', 0) }, refused('not-found')],
          [link('plum', 0), succeeded(true)],
          [link('plum', 0), succeeded(false)],
          [{ ...link('plum', 1) }, refused('conflict')],
          // Another VRF cannot take the same addresses.
          [{ ...link('sage', 0) }, refused('conflict')],
          // A type-5 route needs the VRF's BGP EVPN.
          [
            { kind: 'addServiceRoute', vrf: 'plum', prefix: '10.0.200.10/32' },
            refused('dependency'),
          ],
          [{ kind: 'configureBgpEvpn', vrf: 'plum' }, succeeded(true)],
          [{ kind: 'addServiceRoute', vrf: 'plum', prefix: '10.0.200.10/32' }, succeeded(true)],
          [{ kind: 'addServiceRoute', vrf: 'plum', prefix: '10.0.200.10/32' }, succeeded(false)],
          [{ kind: 'addServiceRoute', vrf: 'plum', prefix: '0.0.0.0/0' }, refused('invalid')],
          [{ kind: 'addServiceRoute', vrf: 'plum', prefix: '10.0.200.10/24' }, refused('invalid')],
          // The translation is to the VRF's end of its link, and only one.
          [{ kind: 'addServiceNat', vrf: 'plum', address: '100.64.0.0' }, refused('invalid')],
          [{ kind: 'addServiceNat', vrf: 'plum', address: '100.64.0.1' }, succeeded(true)],
          [{ kind: 'addServiceNat', vrf: 'plum', address: '100.64.0.1' }, succeeded(false)],
          // Nothing cascades: what depends on the link or the VRF goes first.
          [{ kind: 'removeServiceLink', vrf: 'plum' }, refused('dependency')],
          [{ kind: 'removeBgpEvpn', vrf: 'plum' }, refused('dependency')],
          [{ kind: 'deleteVrf', vrf: 'plum' }, refused('dependency')],
          [{ kind: 'removeServiceRoute', vrf: 'plum', prefix: '10.0.202.0/24' }, succeeded(false)],
          [{ kind: 'removeServiceNat', vrf: 'sage' }, succeeded(false)],
        ]);
        const before = await borderState();
        await outcomesOnBorder([
          [{ kind: 'removeServiceLink', vrf: 'plum' }, refused('dependency')],
        ]);
        expect(await borderState()).toEqual(before);
        // Only border leaves face the management network.
        await expectOutcomes([
          [vrfOperation('plum', 50302), succeeded(true)],
          [link('plum', 0), refused('unsupported')],
        ]);
        expect(await state(contractLeaf)).toEqual({
          ...emptyState,
          vrfs: [vrfState(vrfOperation('plum', 50302), false)],
        });
      },
      enabled,
    );
  });
}
