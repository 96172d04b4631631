import { UnknownDeviceError, UnknownOperationError } from '../../errors';
import type { FabricOperation } from '../../operations/fabric-operation';
import type { FailureReason } from '../../operations/operation-outcome';
import { bindL2Vni } from '../fabric-fixtures';
import { refused, succeeded, type ContractContext } from './contract-context';
import { contractSpine, emptyState, vrfOperation } from './contract-fixtures';

const expectRefused = (reason: FailureReason) => (operation: FabricOperation) =>
  [operation, refused(reason)] as const;

/** What a device refuses, changing nothing: malformed, not allowed, not its to hold, too much. */
export function describeRefusals(context: ContractContext) {
  const { test, run, state, driver, expectOutcomes, options } = context;

  describe('refusals', () => {
    test('refuses malformed operations as invalid, changing nothing', async () => {
      const vrf = vrfOperation('red', 50108);
      const bind = bindL2Vni(100108, 'red', 18, 'swp1');
      const malformed: FabricOperation[] = [
        { ...vrf, rd: 'not-an-rd' },
        { ...vrf, l3Vni: 0 },
        { ...vrf, vrf: 'no spaces' },
        { ...bind, interface: 'swp99' },
        { ...bind, vlan: 4095 },
        { ...bind, gatewayMac: '01:00:5e:00:00:01' },
        { kind: 'announcePrefix', vrf: 'red', prefix: '203.0.113.1/24' },
      ];
      await expectOutcomes(malformed.map(expectRefused('invalid')));
      expect(await state()).toEqual(emptyState);
    });

    test('refuses what the device configuration does not allow, changing nothing', async () => {
      const vrf = vrfOperation('red', 50109);
      const bind = bindL2Vni(100109, 'red', 19, 'swp1');
      const announce: FabricOperation = {
        kind: 'announcePrefix',
        vrf: 'red',
        prefix: '203.0.113.19/32',
      };
      const withoutVrf: FabricOperation[] = [
        { kind: 'configureBgpEvpn', vrf: 'red' },
        bind,
        announce,
      ];
      await expectOutcomes(withoutVrf.map(expectRefused('not-found')));
      expect(await state()).toEqual(emptyState);
      expect(await run(vrf)).toEqual(succeeded(true));
      expect(await run(bind)).toEqual(succeeded(true));
      const before = await state();
      await expectOutcomes([
        ...[
          { ...vrf, l3Vni: 50110 },
          vrfOperation('other', 50109),
          { ...vrfOperation('other', 50111), rd: vrf.rd },
          { ...bind, vlan: 20 },
        ].map(expectRefused('conflict')),
        ...[{ kind: 'deleteVrf', vrf: 'red' } as const, announce].map(expectRefused('dependency')),
      ]);
      expect(await state()).toEqual(before);
    });

    test('refuses tenant configuration on a spine and on a device it does not know', async () => {
      const vrf = vrfOperation('red', 50112);
      expect(await run(vrf, undefined, contractSpine)).toMatchObject(refused('unsupported'));
      expect(await run(vrf, undefined, 'no-such-device')).toMatchObject(refused('unknown-device'));
      await expect(driver().readState('no-such-device')).rejects.toBeInstanceOf(UnknownDeviceError);
      await expect(driver().poll('no-such-operation')).rejects.toBeInstanceOf(
        UnknownOperationError,
      );
      await expect(driver().await('no-such-operation', 10)).rejects.toBeInstanceOf(
        UnknownOperationError,
      );
    });

    test(
      "refuses what would exceed the device's capacity, changing nothing",
      async () => {
        // The contract topology's leaves hold 2 VRFs and 2 L2 VNIs.
        await expectOutcomes(
          [
            vrfOperation('red', 50113),
            vrfOperation('blue', 50114),
            bindL2Vni(100113, 'red', 13, 'swp1'),
            bindL2Vni(100114, 'blue', 14, 'swp2'),
          ].map((operation) => [operation, succeeded(true)] as const),
        );
        const before = await state();
        await expectOutcomes(
          [vrfOperation('green', 50115), bindL2Vni(100115, 'red', 15, 'swp3')].map(
            expectRefused('capacity'),
          ),
        );
        expect(await state()).toEqual(before);
      },
      options.enforcesCapacity !== false,
    );
  });
}
