import { inverseOf } from '../operations/inverse-operation';
import type { FabricOperation } from '../operations/fabric-operation';
import { defaultCapacity, type FabricDevice } from '../topology/topology';
import { applyOperation } from './device-model';
import { normalizeDeviceState, sameShapingLimit, type DeviceState } from './fabric-state';

const leaf: FabricDevice = {
  name: 'leaf1',
  role: 'leaf',
  loopback: '10.254.0.1',
  asn: 65101,
  interfaces: ['swp1', 'swp2'],
  capacity: defaultCapacity,
};
const gateway: FabricDevice = { ...leaf, name: 'gw1', role: 'gateway' };

const bound: DeviceState = {
  vrfs: [
    { name: 'blue', l3Vni: 50001, rd: '65000:50001', importRts: [], exportRts: [], bgpEvpn: true },
  ],
  l2Vnis: [
    {
      l2Vni: 100001,
      vrf: 'blue',
      vlan: 100,
      anycastGateway: '10.0.1.1/24',
      gatewayMac: '00:00:5e:00:01:01',
      interfaces: ['swp1'],
    },
  ],
  prefixes: [],
};
const translated: DeviceState = {
  ...bound,
  gateway: {
    transferLinks: [{ vrf: 'blue', vrfAddress: '172.16.0.0/31', gatewayAddress: '172.16.0.1/31' }],
    defaultRoutes: [],
    snatRules: [],
    dnatRules: [{ vrf: 'blue', publicAddress: '203.0.113.9', privateAddress: '10.0.1.5' }],
    upstreamPrefixes: [],
  },
};

const limit = (rateKbps: number, burstBytes = 15_000) => ({ rateKbps, burstBytes });
const port = { interface: 'swp1', vlan: 100, address: '10.0.1.5' };

function apply(device: FabricDevice, state: DeviceState, operation: FabricOperation) {
  const result = applyOperation(device, state, operation);
  return result.status === 'changed' ? result.state : result;
}

describe('shaping on the device model', () => {
  it('shapes a bound port, replaces its limits in place and removes them', () => {
    const shaped = apply(leaf, bound, {
      kind: 'shapePort',
      ...port,
      ingress: limit(10_000),
      egress: null,
    });
    expect(shaped).toMatchObject({
      shaping: { ports: [{ ...port, ingress: limit(10_000), egress: null }] },
    });
    const changed = apply(leaf, shaped as DeviceState, {
      kind: 'shapePort',
      ...port,
      ingress: limit(100_000),
      egress: limit(5_000),
    });
    expect(changed).toMatchObject({
      shaping: { ports: [{ ...port, ingress: limit(100_000), egress: limit(5_000) }] },
    });
    expect(apply(leaf, changed as DeviceState, { kind: 'unshapePort', ...port })).toEqual(
      normalizeDeviceState(bound),
    );
  });

  it('answers an ensure without change, a burst within the shaper clock included', () => {
    const shaped = apply(leaf, bound, {
      kind: 'shapePort',
      ...port,
      ingress: limit(10_000),
      egress: null,
    });
    const again = (burstBytes: number) =>
      applyOperation(leaf, shaped as DeviceState, {
        kind: 'shapePort',
        ...port,
        ingress: limit(10_000, burstBytes),
        egress: null,
      }).status;
    expect([again(15_000), again(14_999), again(15_010)]).toEqual([
      'unchanged',
      'unchanged',
      'changed',
    ]);
    expect(applyOperation(leaf, bound, { kind: 'unshapePort', ...port }).status).toBe('unchanged');
  });

  it('refuses a port not bound to the VLAN, and keeps the binding while a port on it is shaped', () => {
    expect(
      applyOperation(leaf, bound, {
        kind: 'shapePort',
        ...port,
        interface: 'swp2',
        ingress: limit(1),
        egress: null,
      }),
    ).toMatchObject({ status: 'failed', reason: 'dependency' });
    const shaped = apply(leaf, bound, {
      kind: 'shapePort',
      ...port,
      ingress: limit(10_000),
      egress: null,
    });
    expect(
      applyOperation(leaf, shaped as DeviceState, {
        kind: 'unbindL2Vni',
        l2Vni: 100001,
        vlan: 100,
        interface: 'swp1',
      }),
    ).toMatchObject({
      status: 'failed',
      reason: 'dependency',
      message: expect.stringContaining('10.0.1.5'),
    });
  });

  it('refuses malformed limits and a shaping with no limit as invalid', () => {
    for (const [ingress, egress] of [
      [null, null],
      [limit(0), null],
      [limit(-5), null],
      [null, limit(10, 0)],
      [limit(1.5), null],
    ] as const) {
      expect(
        applyOperation(leaf, bound, { kind: 'shapePort', ...port, ingress, egress }),
      ).toMatchObject({
        status: 'failed',
        reason: 'invalid',
      });
    }
  });

  it('shapes a floating IP only where its DNAT rule is, and keeps the rule while shaped', () => {
    const floatingIp = { vrf: 'blue', publicAddress: '203.0.113.9' };
    expect(
      applyOperation(gateway, bound, {
        kind: 'shapeFloatingIp',
        ...floatingIp,
        ingress: limit(10),
        egress: null,
      }),
    ).toMatchObject({ status: 'failed', reason: 'dependency' });
    const shaped = apply(gateway, translated, {
      kind: 'shapeFloatingIp',
      ...floatingIp,
      ingress: limit(10_000),
      egress: limit(10_000),
    });
    expect(
      applyOperation(gateway, shaped as DeviceState, { kind: 'removeDnat', ...floatingIp }),
    ).toMatchObject({
      status: 'failed',
      reason: 'dependency',
    });
  });

  it('has an inverse for every change that restores the state before exactly', () => {
    const operations: [FabricDevice, DeviceState, FabricOperation][] = [
      [leaf, bound, { kind: 'shapePort', ...port, ingress: limit(10_000), egress: null }],
      [
        gateway,
        translated,
        {
          kind: 'shapeFloatingIp',
          vrf: 'blue',
          publicAddress: '203.0.113.9',
          ingress: null,
          egress: limit(7),
        },
      ],
    ];
    for (const [device, before, operation] of operations) {
      const after = apply(device, before, operation) as DeviceState;
      const changeAgain: FabricOperation =
        operation.kind === 'shapePort'
          ? { ...operation, ingress: limit(99) }
          : ({ ...operation, kind: 'shapeFloatingIp', egress: limit(99) } as FabricOperation);
      for (const [state, op] of [
        [before, operation],
        [after, changeAgain],
      ] as const) {
        const next = apply(device, state, op) as DeviceState;
        const inverse = inverseOf(op, state);
        expect(inverse).toBeDefined();
        expect(apply(device, next, inverse as FabricOperation)).toEqual(
          normalizeDeviceState(state),
        );
      }
      expect(inverseOf(operation, after)).toBeUndefined();
    }
  });

  it('compares bursts to the shaper clock: 100 ns of traffic at the rate, plus a byte', () => {
    expect(sameShapingLimit(limit(10_000_000, 1500), limit(10_000_000, 1626))).toBe(true);
    expect(sameShapingLimit(limit(10_000_000, 1500), limit(10_000_000, 1700))).toBe(false);
    expect(sameShapingLimit(limit(10_000, 1500), limit(10_001, 1500))).toBe(false);
    expect(sameShapingLimit(null, null)).toBe(true);
    expect(sameShapingLimit(null, limit(1))).toBe(false);
  });
});
