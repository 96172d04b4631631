import fc from 'fast-check';
import { canonicalJson } from '../simulated/canonical-json';
import { operationArbitrary } from '../testing/fabric-arbitraries';
import type { FabricOperation } from './fabric-operation';
import { operationIdempotencyKey } from './operation-key';

const key = 'repair-leaf1-7:converge';
const createBlue: FabricOperation = {
  kind: 'createVrf',
  vrf: 'blue',
  l3Vni: 50001,
  rd: '65000:1',
  importRts: ['65000:50001'],
  exportRts: ['65000:50001'],
};
const bindWeb: FabricOperation = {
  kind: 'bindL2Vni',
  l2Vni: 100001,
  vrf: 'blue',
  vlan: 10,
  interface: 'swp1',
  anycastGateway: '10.0.1.1/24',
  gatewayMac: '00:00:5e:00:01:01',
};

/** The same operation with its fields in the reverse order. */
function reordered(operation: FabricOperation): FabricOperation {
  return Object.fromEntries(Object.entries(operation).reverse()) as unknown as FabricOperation;
}

describe('operationIdempotencyKey', () => {
  it('is the shared key, the kind and a digest of the operation', () => {
    expect(operationIdempotencyKey(key, createBlue)).toMatch(
      /^repair-leaf1-7:converge\/createVrf-[0-9a-f]{16}$/,
    );
  });

  it('gives an operation the same key whatever its place in a plan computed afresh', () => {
    // Attempt 1 planned [createVrf, bindL2Vni] and applied the first; attempt 2 plans what is left.
    const first = [createBlue, bindWeb].map((operation) => operationIdempotencyKey(key, operation));
    const retry = [bindWeb].map((operation) => operationIdempotencyKey(key, operation));
    expect(retry[0]).toBe(first[1]);
    expect(new Set([...first, ...retry]).size).toBe(2);
  });

  it('gives two operations the same key exactly when they are the same operation', () => {
    fc.assert(
      fc.property(operationArbitrary, operationArbitrary, (a, b) => {
        const same = canonicalJson(a) === canonicalJson(b);
        expect(operationIdempotencyKey(key, a) === operationIdempotencyKey(key, b)).toBe(same);
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives the same operation the same key every time, its fields in any order', () => {
    fc.assert(
      fc.property(operationArbitrary, (operation) => {
        const once = operationIdempotencyKey(key, operation);
        expect(operationIdempotencyKey(key, structuredClone(operation))).toBe(once);
        expect(operationIdempotencyKey(key, reordered(operation))).toBe(once);
      }),
    );
  });

  it('keeps the keys of different steps (and sagas) apart for the same operation', () => {
    expect(operationIdempotencyKey(`${key}:compensate`, createBlue)).not.toBe(
      operationIdempotencyKey(key, createBlue),
    );
    expect(operationIdempotencyKey('repair-leaf1-8:converge', createBlue)).not.toBe(
      operationIdempotencyKey(key, createBlue),
    );
  });
});
