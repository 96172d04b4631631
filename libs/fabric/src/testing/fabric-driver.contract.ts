import { IdempotencyKeyConflictError, UnknownDeviceError, UnknownOperationError } from '../errors';
import type { FabricDriver } from '../operations/fabric-driver';
import {
  operationKinds,
  type BindL2Vni,
  type FabricOperation,
  type OperationKind,
  type UnbindL2Vni,
} from '../operations/fabric-operation';
import type { FailureReason } from '../operations/operation-outcome';
import type { DeviceState } from '../state/fabric-state';
import type { FabricTopology } from '../topology/topology';
import {
  bindOperation,
  contractLeaf,
  contractSpine,
  contractTopology,
  emptyState,
  l2VniState,
  otherLeaf,
  resetDevice,
  runOperation,
  vrfOperation,
  vrfState,
} from './fabric-driver-contract.fixtures';
import { freshKey } from './fabric-fixtures';

/** A driver opened on the contract's topology, with the hooks the contract needs from its backend. */
export interface FabricDriverUnderTest {
  readonly driver: FabricDriver;
  /**
   * Makes the next `operation` on `device` fail part way, after the device has started to change,
   * and returns what removes the cause. The contract calls it with a bindL2Vni of a new L2 VNI
   * into a VRF that exists.
   */
  failPartWay(device: string, operation: BindL2Vni): Promise<() => Promise<void>>;
  /** Needed with `repliesCanBeLost`: the next `kind` operation on `device` takes effect, its reply is lost. */
  loseNextReply?(device: string, kind: OperationKind): Promise<void>;
  /** What readState does not show (kernel links, running configuration), compared across a failure. */
  deviceSnapshot?(device: string): Promise<unknown>;
  /** Stops the driver and removes whatever it built. */
  close(): Promise<void>;
}

/** Backend quirks and time bounds. */
export interface FabricDriverContractOptions {
  /** The reason a part-way failure is reported with: `injected` by a simulated fault, `rejected` by a device that took its change back. */
  readonly partWayFailureReason: FailureReason;
  /** The backend refuses what exceeds a device's capacity in the topology (default true). */
  readonly enforcesCapacity?: boolean;
  /** A test can make the backend lose an operation's reply (FabricDriverUnderTest.loseNextReply). */
  readonly repliesCanBeLost?: boolean;
  /** How long `await` waits for one operation (default 2 s). */
  readonly operationTimeoutMs?: number;
  /** Jest's limit for one test (default 5 s) and for opening and closing the driver (default 30 s). */
  readonly testTimeoutMs?: number;
  readonly openTimeoutMs?: number;
}

type Open = (topology: FabricTopology) => Promise<FabricDriverUnderTest>;

/**
 * What every FabricDriver does, whatever the backend: each operation kind with its read-back,
 * the idempotency-key contract of libs/fabric/README.md, refusals, and a failure part way that
 * leaves the device as it was. Each driver's spec file calls this with a factory for its backend.
 */
export function describeFabricDriverContract(
  name: string,
  open: Open,
  options: FabricDriverContractOptions,
): void {
  const timeoutMs = options.operationTimeoutMs ?? 2_000;
  const testTimeoutMs = options.testTimeoutMs ?? 5_000;
  const openTimeoutMs = options.openTimeoutMs ?? 30_000;

  describe(`fabric driver contract: ${name}`, () => {
    let subject: FabricDriverUnderTest | undefined;
    const opened = (): FabricDriverUnderTest => {
      if (!subject) throw new Error(`the ${name} driver did not open`);
      return subject;
    };
    const driver = (): FabricDriver => opened().driver;
    const run = (operation: FabricOperation, key?: string, device = contractLeaf) =>
      runOperation(driver(), device, operation, timeoutMs, key);
    const succeeded = (changed: boolean) => ({ status: 'succeeded', changed });
    const state = (device = contractLeaf) => driver().readState(device);

    beforeAll(async () => {
      subject = await open(contractTopology);
    }, openTimeoutMs);
    afterAll(async () => {
      await subject?.close();
    }, openTimeoutMs);
    afterEach(async () => {
      if (!subject) return;
      for (const device of [contractLeaf, otherLeaf]) {
        await resetDevice(subject.driver, device, timeoutMs);
      }
    }, testTimeoutMs);

    describe('every operation kind', () => {
      it(
        'applies each kind and reads the device back as each left it',
        async () => {
          const vrf = vrfOperation('blue', 50101);
          const bind = bindOperation(100101, 'blue', 11, 'swp1');
          const second = { ...bind, interface: 'swp2' };
          const prefix = { vrf: 'blue', prefix: '203.0.113.10/32' };
          const withVrf = (bgpEvpn: boolean) => ({ ...emptyState, vrfs: [vrfState(vrf, bgpEvpn)] });
          const bound = (interfaces: string[]): DeviceState => ({
            ...withVrf(true),
            l2Vnis: [l2VniState(bind, interfaces)],
          });
          const steps: [string, FabricOperation, DeviceState][] = [
            ['create the VRF', vrf, withVrf(false)],
            ['turn on its BGP EVPN', { kind: 'configureBgpEvpn', vrf: 'blue' }, withVrf(true)],
            ['bind an L2 VNI', bind, bound(['swp1'])],
            ['bind it on a second interface', second, bound(['swp1', 'swp2'])],
            [
              'announce a prefix',
              { kind: 'announcePrefix', ...prefix },
              { ...bound(['swp1', 'swp2']), prefixes: [prefix] },
            ],
            ['withdraw it', { kind: 'withdrawPrefix', ...prefix }, bound(['swp1', 'swp2'])],
            ['unbind one interface', { ...unbindOf(bind), interface: 'swp2' }, bound(['swp1'])],
            ['unbind the last one', unbindOf(bind), withVrf(true)],
            ['turn off BGP EVPN', { kind: 'removeBgpEvpn', vrf: 'blue' }, withVrf(false)],
            ['delete the VRF', { kind: 'deleteVrf', vrf: 'blue' }, emptyState],
          ];
          expect(new Set(steps.map(([, operation]) => operation.kind))).toEqual(
            new Set(operationKinds),
          );
          for (const [step, operation, expected] of steps) {
            const outcome = await run(operation);
            expect({ step, outcome, state: await state() }).toEqual({
              step,
              outcome: succeeded(true),
              state: expected,
            });
          }
          expect(await state(otherLeaf)).toEqual(emptyState);
        },
        testTimeoutMs,
      );

      it(
        'succeeds without change when the configuration is already as asked (an "ensure")',
        async () => {
          const vrf = vrfOperation('green', 50102);
          expect(await run(vrf)).toEqual(succeeded(true));
          const before = await state();
          const noOps: FabricOperation[] = [
            vrf,
            { kind: 'removeBgpEvpn', vrf: 'green' },
            { kind: 'withdrawPrefix', vrf: 'green', prefix: '203.0.113.11/32' },
            unbindOf(bindOperation(100102, 'green', 12, 'swp1')),
            { kind: 'deleteVrf', vrf: 'absent' },
          ];
          for (const operation of noOps) {
            expect({ kind: operation.kind, outcome: await run(operation) }).toEqual({
              kind: operation.kind,
              outcome: succeeded(false),
            });
          }
          expect(await state()).toEqual(before);
        },
        testTimeoutMs,
      );
    });

    describe('idempotency keys', () => {
      it(
        'answers every repeat of a key with its one operation: same id, same outcome, one effect',
        async () => {
          const vrf = vrfOperation('red', 50103);
          const key = freshKey('contract');
          // The same request rebuilt with its fields in another order is still the same request.
          const { kind, vrf: vrfName, l3Vni, rd, importRts, exportRts } = vrf;
          const reordered = { exportRts, importRts, rd, l3Vni, vrf: vrfName, kind };
          const [id, ...repeats] = await Promise.all([
            driver().submit(contractLeaf, vrf, key),
            driver().submit(contractLeaf, vrf, key),
            driver().submit(contractLeaf, reordered, key),
          ]);
          expect(repeats).toEqual([id, id]);
          expect(await driver().await(id, timeoutMs)).toEqual(succeeded(true));
          // Run a second time, it would find the VRF in place and answer `changed: false`.
          expect(await driver().submit(contractLeaf, vrf, key)).toBe(id);
          expect(await driver().poll(id)).toEqual(succeeded(true));
          expect(await state()).toEqual({ ...emptyState, vrfs: [vrfState(vrf, false)] });
        },
        testTimeoutMs,
      );

      it(
        'refuses a key reused for another operation or device, and changes nothing',
        async () => {
          const vrf = vrfOperation('red', 50104);
          const key = freshKey('contract');
          const id = await driver().submit(contractLeaf, vrf, key);
          expect(await driver().await(id, timeoutMs)).toEqual(succeeded(true));
          const before = await state();
          const others: [string, FabricOperation][] = [
            [contractLeaf, { ...vrf, l3Vni: 50105 }],
            [contractLeaf, { kind: 'deleteVrf', vrf: 'red' }],
            [otherLeaf, vrf],
          ];
          for (const [device, operation] of others) {
            await expect(driver().submit(device, operation, key)).rejects.toEqual(
              new IdempotencyKeyConflictError(key, id),
            );
          }
          expect(await state()).toEqual(before);
          expect(await state(otherLeaf)).toEqual(emptyState);
          expect(await driver().poll(id)).toEqual(succeeded(true));
        },
        testTimeoutMs,
      );

      it(
        'runs a refused operation again when its key is repeated, as a new attempt',
        async () => {
          const vrf = vrfOperation('red', 50106);
          const bind = bindOperation(100106, 'red', 16, 'swp1');
          const key = freshKey('contract');
          const refused = await driver().submit(contractLeaf, bind, key);
          expect(await driver().await(refused, timeoutMs)).toMatchObject({
            status: 'failed',
            reason: 'not-found',
          });
          expect(await state()).toEqual(emptyState);
          expect(await run(vrf)).toEqual(succeeded(true));
          const retried = await driver().submit(contractLeaf, bind, key);
          expect(retried).not.toBe(refused);
          expect(await driver().await(retried, timeoutMs)).toEqual(succeeded(true));
          // The refused attempt keeps its outcome; the key now answers with the one that succeeded.
          expect(await driver().poll(refused)).toMatchObject({ status: 'failed' });
          expect(await driver().submit(contractLeaf, bind, key)).toBe(retried);
          expect((await state()).l2Vnis).toEqual([l2VniState(bind, ['swp1'])]);
        },
        testTimeoutMs,
      );

      (options.repliesCanBeLost ? it : it.skip)(
        'runs an operation whose reply was lost again under its key, finding its effect in place',
        async () => {
          const { loseNextReply } = opened();
          if (!loseNextReply) throw new Error('repliesCanBeLost needs loseNextReply');
          const vrf = vrfOperation('red', 50107);
          const key = freshKey('contract');
          await loseNextReply.call(opened(), contractLeaf, 'createVrf');
          const lost = await driver().submit(contractLeaf, vrf, key);
          expect(await driver().await(lost, timeoutMs)).toMatchObject({
            status: 'failed',
            reason: 'reply-lost',
          });
          const retried = await driver().submit(contractLeaf, vrf, key);
          expect(retried).not.toBe(lost);
          expect(await driver().await(retried, timeoutMs)).toEqual(succeeded(false));
          expect(await state()).toEqual({ ...emptyState, vrfs: [vrfState(vrf, false)] });
        },
        testTimeoutMs,
      );
    });

    describe('refusals', () => {
      it(
        'refuses malformed operations as invalid, changing nothing',
        async () => {
          const vrf = vrfOperation('red', 50108);
          const bind = bindOperation(100108, 'red', 18, 'swp1');
          const malformed: FabricOperation[] = [
            { ...vrf, rd: 'not-an-rd' },
            { ...vrf, l3Vni: 0 },
            { ...vrf, vrf: 'no spaces' },
            { ...bind, interface: 'swp99' },
            { ...bind, vlan: 4095 },
            { ...bind, gatewayMac: '01:00:5e:00:00:01' },
            { kind: 'announcePrefix', vrf: 'red', prefix: '203.0.113.1/24' },
          ];
          for (const operation of malformed) {
            expect({ operation, outcome: await run(operation) }).toMatchObject({
              operation,
              outcome: { status: 'failed', reason: 'invalid' },
            });
          }
          expect(await state()).toEqual(emptyState);
        },
        testTimeoutMs,
      );

      it(
        'refuses what the device configuration does not allow, changing nothing',
        async () => {
          const vrf = vrfOperation('red', 50109);
          const bind = bindOperation(100109, 'red', 19, 'swp1');
          const prefix = { vrf: 'red', prefix: '203.0.113.19/32' };
          const refusedWithoutVrf: [FabricOperation, FailureReason][] = [
            [{ kind: 'configureBgpEvpn', vrf: 'red' }, 'not-found'],
            [bind, 'not-found'],
            [{ kind: 'announcePrefix', ...prefix }, 'not-found'],
          ];
          for (const [operation, reason] of refusedWithoutVrf) {
            expect({ kind: operation.kind, outcome: await run(operation) }).toMatchObject({
              kind: operation.kind,
              outcome: { status: 'failed', reason },
            });
          }
          expect(await run(vrf)).toEqual(succeeded(true));
          expect(await run(bind)).toEqual(succeeded(true));
          const before = await state();
          const refused: [FabricOperation, FailureReason][] = [
            [{ ...vrf, l3Vni: 50110 }, 'conflict'],
            [{ ...vrfOperation('other', 50109) }, 'conflict'],
            [{ ...vrfOperation('other', 50111), rd: vrf.rd }, 'conflict'],
            [{ ...bind, vlan: 20 }, 'conflict'],
            [{ kind: 'deleteVrf', vrf: 'red' }, 'dependency'],
            [{ kind: 'announcePrefix', ...prefix }, 'dependency'],
          ];
          for (const [operation, reason] of refused) {
            expect({ operation, outcome: await run(operation) }).toMatchObject({
              operation,
              outcome: { status: 'failed', reason },
            });
          }
          expect(await state()).toEqual(before);
        },
        testTimeoutMs,
      );

      it(
        'refuses tenant configuration on a spine and on a device it does not know',
        async () => {
          const vrf = vrfOperation('red', 50112);
          expect(await run(vrf, undefined, contractSpine)).toMatchObject({
            status: 'failed',
            reason: 'unsupported',
          });
          expect(await run(vrf, undefined, 'no-such-device')).toMatchObject({
            status: 'failed',
            reason: 'unknown-device',
          });
          await expect(driver().readState('no-such-device')).rejects.toBeInstanceOf(
            UnknownDeviceError,
          );
          await expect(driver().poll('no-such-operation')).rejects.toBeInstanceOf(
            UnknownOperationError,
          );
          await expect(driver().await('no-such-operation', 10)).rejects.toBeInstanceOf(
            UnknownOperationError,
          );
        },
        testTimeoutMs,
      );

      (options.enforcesCapacity === false ? it.skip : it)(
        "refuses what would exceed the device's capacity, changing nothing",
        async () => {
          // The contract topology's leaves hold 2 VRFs and 2 L2 VNIs.
          expect(await run(vrfOperation('red', 50113))).toEqual(succeeded(true));
          expect(await run(vrfOperation('blue', 50114))).toEqual(succeeded(true));
          expect(await run(bindOperation(100113, 'red', 13, 'swp1'))).toEqual(succeeded(true));
          expect(await run(bindOperation(100114, 'blue', 14, 'swp2'))).toEqual(succeeded(true));
          const before = await state();
          for (const operation of [
            vrfOperation('green', 50115),
            bindOperation(100115, 'red', 15, 'swp3'),
          ]) {
            expect({ kind: operation.kind, outcome: await run(operation) }).toMatchObject({
              kind: operation.kind,
              outcome: { status: 'failed', reason: 'capacity' },
            });
          }
          expect(await state()).toEqual(before);
        },
        testTimeoutMs,
      );
    });

    describe('failure part way', () => {
      it(
        'leaves the device as it was, and runs the operation when its key is repeated',
        async () => {
          const vrf = vrfOperation('red', 50116);
          const bind = bindOperation(100116, 'red', 16, 'swp1');
          expect(await run(vrf)).toEqual(succeeded(true));
          expect(await run({ kind: 'configureBgpEvpn', vrf: 'red' })).toEqual(succeeded(true));
          const snapshot = () => opened().deviceSnapshot?.(contractLeaf);
          const key = freshKey('contract');
          const removeCause = await opened().failPartWay(contractLeaf, bind);
          const failed = await (async () => {
            try {
              // Taken with the cause in place: it may be something on the device (FRR).
              const before = { state: await state(), device: await snapshot() };
              const id = await driver().submit(contractLeaf, bind, key);
              expect(await driver().await(id, timeoutMs)).toMatchObject({
                status: 'failed',
                reason: options.partWayFailureReason,
              });
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
        },
        testTimeoutMs,
      );
    });
  });
}

function unbindOf(bind: BindL2Vni): UnbindL2Vni {
  return { kind: 'unbindL2Vni', l2Vni: bind.l2Vni, vlan: bind.vlan, interface: bind.interface };
}
