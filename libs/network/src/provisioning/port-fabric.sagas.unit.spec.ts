import { DeviceUnreachableError } from '@loom/fabric';
import { DeviceOperationError, type DeviceFailureReason } from './device-operations';
import { leafUnreachable } from './port-fabric.sagas';

/** Which failures park a port saga out of attempts (docs/sagas.md, "When a port saga parks"). */
describe('leafUnreachable', () => {
  const failed = (reason: DeviceFailureReason) =>
    new DeviceOperationError('leaf1', 'createVrf', reason, 'x');

  it('parks when the leaf could not be reached', () => {
    expect(leafUnreachable(failed('unreachable'))).toBe(true);
    expect(leafUnreachable(new DeviceUnreachableError('leaf1'))).toBe(true);
  });

  it.each([
    'timeout',
    'capacity',
    'conflict',
    'rejected',
    'injected',
    'reply-lost',
    'invalid',
  ] as const)('undoes on %s, a definite answer or a time-out', (reason) => {
    expect(leafUnreachable(failed(reason))).toBe(false);
  });

  it('undoes on anything else thrown', () => {
    expect(leafUnreachable(new Error('leaf1 is unreachable'))).toBe(false);
    expect(leafUnreachable(undefined)).toBe(false);
  });
});
