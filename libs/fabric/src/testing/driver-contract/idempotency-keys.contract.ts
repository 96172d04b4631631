import { IdempotencyKeyConflictError } from '../../errors';
import type { FabricOperation } from '../../operations/fabric-operation';
import { bindL2Vni, freshKey } from '../fabric-fixtures';
import { refused, succeeded, type ContractContext } from './contract-context';
import {
  contractLeaf,
  emptyState,
  l2VniState,
  otherLeaf,
  vrfOperation,
  vrfState,
} from './contract-fixtures';

/** The idempotency-key contract of libs/fabric/README.md. */
export function describeIdempotencyKeys(context: ContractContext) {
  const { test, run, state, driver, opened, timeoutMs, options } = context;
  const submit = (operation: FabricOperation, key: string, device = contractLeaf) =>
    driver().submit(device, operation, key);
  const outcome = (id: string) => driver().await(id, timeoutMs);

  describe('idempotency keys', () => {
    test('answers every repeat of a key with its one operation: same id, same outcome, one effect', async () => {
      const vrf = vrfOperation('red', 50103);
      const key = freshKey('contract');
      // The same request rebuilt with its fields in another order is still the same request.
      const { kind, vrf: vrfName, l3Vni, rd, importRts, exportRts } = vrf;
      const reordered = { exportRts, importRts, rd, l3Vni, vrf: vrfName, kind };
      const [id, ...repeats] = await Promise.all([
        submit(vrf, key),
        submit(vrf, key),
        submit(reordered, key),
      ]);
      expect(repeats).toEqual([id, id]);
      expect(await outcome(id)).toEqual(succeeded(true));
      // Run a second time, it would find the VRF in place and answer `changed: false`.
      expect(await submit(vrf, key)).toBe(id);
      expect(await driver().poll(id)).toEqual(succeeded(true));
      expect(await state()).toEqual({ ...emptyState, vrfs: [vrfState(vrf, false)] });
    });

    test('refuses a key reused for another operation or device, and changes nothing', async () => {
      const vrf = vrfOperation('red', 50104);
      const key = freshKey('contract');
      const id = await submit(vrf, key);
      expect(await outcome(id)).toEqual(succeeded(true));
      const before = await state();
      const others: [string, FabricOperation][] = [
        [contractLeaf, { ...vrf, l3Vni: 50105 }],
        [contractLeaf, { kind: 'deleteVrf', vrf: 'red' }],
        [otherLeaf, vrf],
      ];
      for (const [device, operation] of others) {
        await expect(submit(operation, key, device)).rejects.toEqual(
          new IdempotencyKeyConflictError(key, id),
        );
      }
      expect(await state()).toEqual(before);
      expect(await state(otherLeaf)).toEqual(emptyState);
      expect(await driver().poll(id)).toEqual(succeeded(true));
    });

    test('runs a refused operation again when its key is repeated, as a new attempt', async () => {
      const bind = bindL2Vni(100106, 'red', 16, 'swp1');
      const key = freshKey('contract');
      const first = await submit(bind, key);
      expect(await outcome(first)).toMatchObject(refused('not-found'));
      expect(await state()).toEqual(emptyState);
      expect(await run(vrfOperation('red', 50106))).toEqual(succeeded(true));
      const retried = await submit(bind, key);
      expect(retried).not.toBe(first);
      expect(await outcome(retried)).toEqual(succeeded(true));
      // The refused attempt keeps its outcome; the key now answers with the one that succeeded.
      expect(await driver().poll(first)).toMatchObject(refused('not-found'));
      expect(await submit(bind, key)).toBe(retried);
      expect((await state()).l2Vnis).toEqual([l2VniState(bind, ['swp1'])]);
    });

    test(
      'runs an operation whose reply was lost again under its key, finding its effect in place',
      async () => {
        const subject = opened();
        if (!subject.loseNextReply) throw new Error('repliesCanBeLost needs loseNextReply');
        const vrf = vrfOperation('red', 50107);
        const key = freshKey('contract');
        await subject.loseNextReply(contractLeaf, 'createVrf');
        const lost = await submit(vrf, key);
        expect(await outcome(lost)).toMatchObject(refused('reply-lost'));
        const retried = await submit(vrf, key);
        expect(retried).not.toBe(lost);
        expect(await outcome(retried)).toEqual(succeeded(false));
        expect(await state()).toEqual({ ...emptyState, vrfs: [vrfState(vrf, false)] });
      },
      options.repliesCanBeLost === true,
    );
  });
}
