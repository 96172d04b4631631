import { fabricFailureKind } from './fabric-failure-kind';

describe('fabricFailureKind', () => {
  it('is resource-exhausted when a device refused for its capacity', () => {
    const reason =
      'leaf1: create-vrf failed (capacity): capacity: leaf1 already holds its maximum of 2 VRFs';
    expect(fabricFailureKind({ reason })).toBe('resource-exhausted');
  });

  it.each([
    'leaf1: create-vrf failed (unreachable): connection refused',
    'leaf1: bind-l2-vni failed (timeout): no outcome within 500 ms',
    'leaf1: create-vrf failed (injected): fault injected',
    'step timed out',
    '',
  ])('is unavailable for any other failure (%p)', (reason) => {
    expect(fabricFailureKind({ reason })).toBe('unavailable');
  });

  it('is unavailable when the saga recorded no error', () => {
    expect(fabricFailureKind(undefined)).toBe('unavailable');
    expect(fabricFailureKind({})).toBe('unavailable');
  });
});
