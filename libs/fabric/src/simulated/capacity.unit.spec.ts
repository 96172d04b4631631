import { bindL2Vni, createVrf, freshKey, run, smallTopology } from '../testing/fabric-fixtures';
import { defaultTopology } from '../topology/default-topology';
import { SimulatedFabric } from './simulated-fabric';

describe('device capacity', () => {
  it('fills a default leaf to its 512 L3 VNIs; the next VRF fails for capacity and changes nothing', async () => {
    const fabric = new SimulatedFabric({ topology: defaultTopology });
    const submitted = [];
    for (let index = 1; index <= 512; index += 1) {
      submitted.push(
        await fabric.submit('leaf1', createVrf(`vrf${index}`, 50000 + index), freshKey()),
      );
    }
    const outcomes = await Promise.all(submitted.map((id) => fabric.poll(id)));
    expect(outcomes.every((outcome) => outcome.status === 'succeeded' && outcome.changed)).toBe(
      true,
    );
    const full = await fabric.readState('leaf1');
    expect(full.vrfs).toHaveLength(512);

    expect(await run(fabric, 'leaf1', createVrf('vrf513', 50513))).toEqual({
      status: 'failed',
      reason: 'capacity',
      message: 'capacity: leaf1 already holds its maximum of 512 L3 VNIs',
    });
    expect(await fabric.readState('leaf1')).toEqual(full);
    // Re-creating one that is there is still fine on a full leaf: retries stay safe.
    expect(await run(fabric, 'leaf1', createVrf('vrf7', 50007))).toEqual({
      status: 'succeeded',
      changed: false,
    });
    // Freeing one makes room again; other leaves have their own limits.
    expect(await run(fabric, 'leaf1', { kind: 'deleteVrf', vrf: 'vrf7' })).toMatchObject({
      changed: true,
    });
    expect(await run(fabric, 'leaf1', createVrf('vrf513', 50513))).toMatchObject({ changed: true });
    expect(await run(fabric, 'leaf2', createVrf('vrf513', 50513))).toMatchObject({ changed: true });
    expect((await fabric.counters())['leaf1']!.createVrf).toEqual({
      applied: 513,
      unchanged: 1,
      failed: 1,
    });
  });

  it('limits VRFs where the VRF limit is the lower one', async () => {
    const topology = {
      devices: smallTopology.devices.map((device) => ({
        ...device,
        capacity: { maxVrfs: 1, maxL2Vnis: 4, maxL3Vnis: 2 },
      })),
    };
    const fabric = new SimulatedFabric({ topology });
    await run(fabric, 'leaf1', createVrf('red', 50001));
    expect(await run(fabric, 'leaf1', createVrf('blue', 50002))).toMatchObject({
      reason: 'capacity',
      message: 'capacity: leaf1 already holds its maximum of 1 VRFs',
    });
  });

  it('limits L2 VNIs; more interfaces on an existing L2 VNI take no more room', async () => {
    const fabric = new SimulatedFabric({ topology: smallTopology });
    await run(fabric, 'leaf1', createVrf('red', 50001));
    for (const vlan of [10, 20, 30, 40]) {
      expect(await run(fabric, 'leaf1', bindL2Vni(100000 + vlan, 'red', vlan))).toMatchObject({
        changed: true,
      });
    }
    const full = await fabric.readState('leaf1');
    expect(await run(fabric, 'leaf1', bindL2Vni(100050, 'red', 50))).toEqual({
      status: 'failed',
      reason: 'capacity',
      message: 'capacity: leaf1 already holds its maximum of 4 L2 VNIs',
    });
    expect(await fabric.readState('leaf1')).toEqual(full);
    expect(await run(fabric, 'leaf1', bindL2Vni(100010, 'red', 10, 'swp4'))).toMatchObject({
      changed: true,
    });
  });
});
