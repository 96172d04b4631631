import { InvalidFaultError } from '../errors';
import { bindL2Vni, createVrf, run, smallTopology } from '../testing/fabric-fixtures';
import { SimulatedFabric } from './simulated-fabric';

const vrf = (index: number) => createVrf(`vrf${index}`, 50000 + index);

async function vrfNames(fabric: SimulatedFabric, device = 'leaf1'): Promise<string[]> {
  return (await fabric.readState(device)).vrfs.map((entry) => entry.name);
}

describe('fault injection', () => {
  let fabric: SimulatedFabric;
  beforeEach(async () => {
    fabric = new SimulatedFabric({ topology: smallTopology });
    await run(fabric, 'leaf1', createVrf('red', 50001));
  });

  it('fails the nth operation submitted after injection, and nothing else', async () => {
    await fabric.injectFault({ effect: 'fail', nth: 2, message: 'commit failed: simulated' });
    const first = await fabric.submit('leaf1', vrf(2), 'first');
    // A resubmission is not a new operation: it does not move the count.
    await fabric.submit('leaf1', vrf(2), 'first');
    expect(await run(fabric, 'leaf2', vrf(3))).toEqual({
      status: 'failed',
      reason: 'injected',
      message: 'commit failed: simulated',
    });
    expect(await run(fabric, 'leaf2', vrf(3))).toEqual({ status: 'succeeded', changed: true });
    expect(await fabric.poll(first)).toEqual({ status: 'succeeded', changed: true });
    expect((await fabric.counters())['leaf2']).toEqual({
      createVrf: { applied: 1, unchanged: 0, failed: 1 },
    });
  });

  it('fails every operation of a kind on a device until cleared, or up to `times`', async () => {
    const fault = await fabric.injectFault({
      effect: 'fail',
      operationKind: 'bindL2Vni',
      device: 'leaf1',
    });
    await run(fabric, 'leaf2', createVrf('red', 50001));
    expect(await run(fabric, 'leaf2', bindL2Vni(100001, 'red', 10))).toMatchObject({
      status: 'succeeded',
    });
    for (const vlan of [10, 20]) {
      expect(await run(fabric, 'leaf1', bindL2Vni(100000 + vlan, 'red', vlan))).toMatchObject({
        status: 'failed',
        reason: 'injected',
        message: 'injected failure of bindL2Vni on leaf1',
      });
    }
    expect(await run(fabric, 'leaf1', { kind: 'configureBgpEvpn', vrf: 'red' })).toMatchObject({
      status: 'succeeded',
    });
    expect((await fabric.readState('leaf1')).l2Vnis).toEqual([]);
    await fabric.clearFault(fault);
    expect(await run(fabric, 'leaf1', bindL2Vni(100010, 'red', 10))).toMatchObject({
      status: 'succeeded',
    });

    await fabric.injectFault({ effect: 'fail', times: 2 });
    const outcomes = [];
    for (const index of [2, 3, 4]) outcomes.push((await run(fabric, 'leaf2', vrf(index))).status);
    expect(outcomes).toEqual(['failed', 'failed', 'succeeded']);
  });

  it('times out: the operation never completes and nothing is applied', async () => {
    await fabric.injectFault({ effect: 'time-out', operationKind: 'createVrf' });
    const id = await fabric.submit('leaf1', vrf(2), 'hangs');
    const started = Date.now();
    expect(await fabric.await(id, 50)).toEqual({ status: 'running' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(await fabric.poll(id)).toEqual({ status: 'running' });
    expect(await vrfNames(fabric)).toEqual(['red']);
    expect((await fabric.counters())['leaf1']).toEqual({
      createVrf: { applied: 1, unchanged: 0, failed: 0 },
    });
    // Other devices and kinds still answer.
    expect(await run(fabric, 'leaf1', { kind: 'configureBgpEvpn', vrf: 'red' })).toMatchObject({
      status: 'succeeded',
    });
  });

  it('applies but loses the reply: the state changed, the outcome says it is unknown', async () => {
    await fabric.injectFault({ effect: 'lose-reply', nth: 1 });
    const id = await fabric.submit('leaf1', vrf(2), 'lost');
    const lost = {
      status: 'failed',
      reason: 'reply-lost',
      message: 'no reply from leaf1 to createVrf: its effect is unknown',
    };
    expect(await fabric.await(id, 100)).toEqual(lost);
    expect(await vrfNames(fabric)).toEqual(['red', 'vrf2']);
    // The effect is unknown, so a repeat of the key runs again as a new attempt: it finds the VRF
    // in place, which is how a saga learns what happened. The lost attempt keeps its outcome...
    const retry = await fabric.submit('leaf1', vrf(2), 'lost');
    expect(retry).not.toBe(id);
    expect(await fabric.await(retry, 100)).toEqual({ status: 'succeeded', changed: false });
    expect(await fabric.poll(id)).toEqual(lost);
    // ...and once an attempt succeeded, the key answers with it and applies nothing again.
    expect(await fabric.submit('leaf1', vrf(2), 'lost')).toBe(retry);
    expect((await fabric.counters())['leaf1']).toEqual({
      createVrf: { applied: 2, unchanged: 1, failed: 0 },
    });
  });

  it('applies but never replies: the state changed, the outcome stays running', async () => {
    await fabric.injectFault({ effect: 'lose-reply-time-out', device: 'leaf1' });
    const id = await fabric.submit('leaf1', vrf(2), 'silent');
    expect(await fabric.await(id, 30)).toEqual({ status: 'running' });
    expect(await vrfNames(fabric)).toEqual(['red', 'vrf2']);
    expect((await fabric.counters())['leaf1']!.createVrf!.applied).toBe(2);
  });

  it('fails everything on an unreachable device until it is restored, changing nothing', async () => {
    await fabric.setLatency(30);
    const queued = await fabric.submit('leaf1', { kind: 'configureBgpEvpn', vrf: 'red' }, 'queued');
    await fabric.setUnreachable('leaf1');
    const unreachable = {
      status: 'failed',
      reason: 'unreachable',
      message: 'device leaf1 is unreachable',
    };
    // Submitted while reachable, run while not: it fails too.
    expect(await fabric.await(queued, 1000)).toEqual(unreachable);
    expect(await run(fabric, 'leaf1', vrf(2))).toEqual(unreachable);
    expect(await run(fabric, 'leaf2', vrf(2))).toEqual({ status: 'succeeded', changed: true });
    await fabric.restore('leaf1');
    expect(await run(fabric, 'leaf1', vrf(2))).toEqual({ status: 'succeeded', changed: true });
    const leaf1 = await fabric.readState('leaf1');
    expect(leaf1.vrfs.map((entry) => [entry.name, entry.bgpEvpn])).toEqual([
      ['red', false],
      ['vrf2', false],
    ]);
    expect((await fabric.counters())['leaf1']).toEqual({
      createVrf: { applied: 2, unchanged: 0, failed: 1 },
      configureBgpEvpn: { applied: 0, unchanged: 0, failed: 1 },
    });
  });

  it('refuses fault specifications that make no sense', async () => {
    await expect(fabric.injectFault({ effect: 'fail', nth: 0 })).rejects.toBeInstanceOf(
      InvalidFaultError,
    );
    await expect(fabric.injectFault({ effect: 'explode' as 'fail' })).rejects.toThrow(
      'unknown fault effect "explode"',
    );
    await fabric.injectFault({ effect: 'fail' });
    await fabric.clearFaults();
    expect(await run(fabric, 'leaf1', vrf(2))).toMatchObject({ status: 'succeeded' });
  });
});
