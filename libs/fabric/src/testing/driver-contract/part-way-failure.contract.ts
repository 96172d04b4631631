import { bindL2Vni, freshKey } from '../fabric-fixtures';
import { refused, succeeded, type ContractContext } from './contract-context';
import { contractLeaf, l2VniState, vrfOperation } from './contract-fixtures';

/** An operation that fails in the middle leaves the device as before; its key may run it again. */
export function describePartWayFailure(context: ContractContext) {
  const { test, run, state, driver, opened, timeoutMs, options } = context;

  describe('failure part way', () => {
    test('leaves the device as it was, and runs the operation when its key is repeated', async () => {
      const bind = bindL2Vni(100116, 'red', 16, 'swp1');
      expect(await run(vrfOperation('red', 50116))).toEqual(succeeded(true));
      expect(await run({ kind: 'configureBgpEvpn', vrf: 'red' })).toEqual(succeeded(true));
      const snapshot = () => opened().deviceSnapshot?.(contractLeaf);
      const key = freshKey('contract');
      const removeCause = await opened().failPartWay(contractLeaf, bind);
      const failed = await (async () => {
        try {
          // Taken with the cause in place: it may be something on the device (FRR).
          const before = { state: await state(), device: await snapshot() };
          const id = await driver().submit(contractLeaf, bind, key);
          expect(await driver().await(id, timeoutMs)).toMatchObject(
            refused(options.partWayFailureReason),
          );
          expect({ state: await state(), device: await snapshot() }).toEqual(before);
          return id;
        } finally {
          await removeCause();
        }
      })();
      const retried = await driver().submit(contractLeaf, bind, key);
      expect(retried).not.toBe(failed);
      expect(await driver().await(retried, timeoutMs)).toEqual(succeeded(true));
      expect((await state()).l2Vnis).toEqual([l2VniState(bind, ['swp1'])]);
    });
  });
}
