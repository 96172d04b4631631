import { diffFabric } from '../drift/diff-fabric';
import {
  DeviceUnreachableError,
  IdempotencyKeyConflictError,
  UnknownDeviceError,
  UnknownOperationError,
} from '../errors';
import { bindL2Vni, createVrf, run, smallTopology } from '../testing/fabric-fixtures';
import { defaultTopology } from '../topology/default-topology';
import { SimulatedFabric } from './simulated-fabric';
import { createWorld, type SimulatedWorld } from './simulated-world';
import { InMemoryWorldStore } from './world-store';

const red = createVrf('red', 50001);

describe('SimulatedFabric', () => {
  it('drives the default topology when given none, and reads every device as empty at first', async () => {
    const fabric = new SimulatedFabric();
    expect(fabric.topology).toBe(defaultTopology);
    const snapshot = await fabric.snapshot();
    expect(Object.keys(snapshot)).toEqual(defaultTopology.devices.map((device) => device.name));
    expect(await fabric.readState('leaf4')).toEqual({ vrfs: [], l2Vnis: [], prefixes: [] });
  });

  it('returns an operation id at once and the outcome through poll and await', async () => {
    const fabric = new SimulatedFabric({ topology: smallTopology });
    const id = await fabric.submit('leaf1', red, 'k1');
    expect(await fabric.poll(id)).toEqual({ status: 'succeeded', changed: true });
    expect(await fabric.await(id, 100)).toEqual({ status: 'succeeded', changed: true });
    expect((await fabric.readState('leaf1')).vrfs.map((vrf) => vrf.name)).toEqual(['red']);
  });

  it('applies an idempotency key once: same id, same outcome, one effect', async () => {
    const fabric = new SimulatedFabric({ topology: smallTopology });
    const first = await fabric.submit('leaf1', red, 'saga-1:create-vrf');
    // The same request rebuilt with its keys in another order is still the same request.
    const reordered = {
      exportRts: red.exportRts,
      importRts: red.importRts,
      rd: red.rd,
      l3Vni: red.l3Vni,
      vrf: 'red',
      kind: 'createVrf' as const,
    };
    const again = await Promise.all([
      fabric.submit('leaf1', red, 'saga-1:create-vrf'),
      fabric.submit('leaf1', reordered, 'saga-1:create-vrf'),
    ]);
    expect(again).toEqual([first, first]);
    expect(await fabric.poll(first)).toEqual({ status: 'succeeded', changed: true });
    expect((await fabric.counters())['leaf1']).toEqual({
      createVrf: { applied: 1, unchanged: 0, failed: 0 },
    });
    // A new key for the same configuration runs, and the device finds it in place.
    expect(await run(fabric, 'leaf1', red)).toEqual({ status: 'succeeded', changed: false });
    expect((await fabric.counters())['leaf1']).toEqual({
      createVrf: { applied: 1, unchanged: 1, failed: 0 },
    });
  });

  it('refuses a key reused for a different request, and ids it never gave', async () => {
    const fabric = new SimulatedFabric({ topology: smallTopology });
    const id = await fabric.submit('leaf1', red, 'k');
    await expect(fabric.submit('leaf2', red, 'k')).rejects.toEqual(
      new IdempotencyKeyConflictError('k', id),
    );
    await expect(fabric.submit('leaf1', { ...red, l3Vni: 50002 }, 'k')).rejects.toBeInstanceOf(
      IdempotencyKeyConflictError,
    );
    await expect(fabric.poll('op-99')).rejects.toBeInstanceOf(UnknownOperationError);
    await expect(fabric.await('nonsense', 10)).rejects.toBeInstanceOf(UnknownOperationError);
  });

  it('fails operations to unknown devices, and refuses to read them', async () => {
    const fabric = new SimulatedFabric({ topology: smallTopology });
    expect(await run(fabric, 'leaf9', red)).toEqual({
      status: 'failed',
      reason: 'unknown-device',
      message: 'device leaf9 is not in the fabric topology',
    });
    await expect(fabric.readState('leaf9')).rejects.toBeInstanceOf(UnknownDeviceError);
  });

  it('reports device refusals as failed outcomes with their reason', async () => {
    const fabric = new SimulatedFabric({ topology: smallTopology });
    expect(await run(fabric, 'leaf1', bindL2Vni(100001, 'red', 10))).toMatchObject({
      status: 'failed',
      reason: 'not-found',
    });
    expect(await run(fabric, 'spine1', red)).toMatchObject({
      status: 'failed',
      reason: 'unsupported',
    });
    expect((await fabric.counters())['leaf1']).toEqual({
      bindL2Vni: { applied: 0, unchanged: 0, failed: 1 },
    });
  });

  it('takes its configured latency: running until due, then done, in submission order per device', async () => {
    const fabric = new SimulatedFabric({
      topology: smallTopology,
      latency: { defaultMs: 10, byKind: { createVrf: 60 } },
    });
    const started = Date.now();
    const create = await fabric.submit('leaf1', red, 'create');
    const bind = await fabric.submit('leaf1', bindL2Vni(100001, 'red', 10), 'bind');
    expect(await fabric.poll(create)).toEqual({ status: 'running' });
    expect((await fabric.readState('leaf1')).vrfs).toEqual([]);
    // The bind is quicker, but the device runs jobs in order: it waits for the VRF it needs.
    expect(await fabric.await(bind, 1000)).toEqual({ status: 'succeeded', changed: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(await fabric.poll(create)).toEqual({ status: 'succeeded', changed: true });
    expect(await fabric.await(await fabric.submit('leaf1', red, 'later'), 5)).toEqual({
      status: 'running',
    });
    await fabric.setLatency(0);
    expect(await run(fabric, 'leaf2', red)).toEqual({ status: 'succeeded', changed: true });
  });

  it('awaits an operation by looking at it when it is due, not every poll interval', async () => {
    let reads = 0;
    class CountingStore extends InMemoryWorldStore {
      override read<T>(partition: string, work: (world: SimulatedWorld) => T): Promise<T> {
        reads += 1;
        return super.read(partition, work);
      }
    }
    const store = new CountingStore(createWorld(smallTopology, { defaultMs: 60 }));
    const fabric = new SimulatedFabric({ topology: smallTopology, pollIntervalMs: 5 }, store);
    const id = await fabric.submit('leaf1', red, 'slow');
    expect(await fabric.await(id, 1_000)).toEqual({ status: 'succeeded', changed: true });
    // Once on the way in, once when due (a timer may fire a millisecond early: one more); a 5 ms
    // poll would have read 12 times.
    expect(reads).toBeLessThanOrEqual(3);
  });

  it('lets a test change a device behind its back, which diffFabric then finds', async () => {
    const fabric = new SimulatedFabric({ topology: smallTopology });
    await run(fabric, 'leaf1', red);
    await run(fabric, 'leaf1', bindL2Vni(100001, 'red', 10));
    const intended = await fabric.snapshot();
    const countsBefore = await fabric.counters();
    const tampered = await fabric.tamper('leaf1', (state) => ({
      ...state,
      vrfs: state.vrfs.map((vrf) => ({ ...vrf, exportRts: ['65000:1', ...vrf.exportRts] })),
      l2Vnis: [],
    }));
    expect(tampered).toEqual(await fabric.readState('leaf1'));
    expect(
      diffFabric(intended, await fabric.snapshot()).map(
        (difference) => `${difference.kind} ${difference.item.type}`,
      ),
    ).toEqual(['different vrf', 'missing l2Vni', 'missing l2Vni-interface']);
    expect(await fabric.counters()).toEqual(countsBefore);
    await expect(fabric.tamper('leaf9', (state) => state)).rejects.toBeInstanceOf(
      UnknownDeviceError,
    );
  });

  it('leaves the fabric as it was when a tamper mutation throws', async () => {
    const fabric = new SimulatedFabric({ topology: smallTopology });
    await run(fabric, 'leaf1', red);
    const before = await fabric.snapshot();
    await expect(
      fabric.tamper('leaf1', (state) => {
        (state.vrfs as unknown as unknown[]).length = 0;
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await fabric.snapshot()).toEqual(before);
  });

  it('hands out copies: changing what it returned changes nothing inside', async () => {
    const fabric = new SimulatedFabric({ topology: smallTopology });
    await run(fabric, 'leaf1', red);
    const state = await fabric.readState('leaf1');
    (state.vrfs as unknown as unknown[]).length = 0;
    expect((await fabric.readState('leaf1')).vrfs).toHaveLength(1);
  });

  it('keeps a log of operations with their keys and outcomes', async () => {
    const fabric = new SimulatedFabric({ topology: smallTopology });
    await fabric.submit('leaf1', red, 'k1');
    expect(await fabric.operationLog()).toEqual([
      {
        id: 'op-1',
        idempotencyKey: 'k1',
        device: 'leaf1',
        operation: red,
        submittedAt: expect.any(Number) as number,
        fault: null,
        outcome: { status: 'succeeded', changed: true },
      },
    ]);
  });

  it('refuses to read an unreachable device', async () => {
    const fabric = new SimulatedFabric({ topology: smallTopology });
    await fabric.setUnreachable('leaf1');
    await expect(fabric.readState('leaf1')).rejects.toBeInstanceOf(DeviceUnreachableError);
    await fabric.restore('leaf1');
    await expect(fabric.readState('leaf1')).resolves.toBeDefined();
  });
});
