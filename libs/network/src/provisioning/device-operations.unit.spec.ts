import { errorKindOf, LoomError, type ErrorKind } from '@loom/errors';
import { SimulatedFabric, type FabricOperation } from '@loom/fabric';
import { smallTopology } from '@loom/fabric/testing';
import {
  DeviceOperationError,
  errorKindOfDeviceFailure,
  runDeviceOperation,
  type DeviceFailureReason,
} from './device-operations';

/** Written out by hand, typed by the reasons: a new failure reason does not compile without a row. */
const expected: Record<DeviceFailureReason, ErrorKind> = {
  capacity: 'resource-exhausted',
  unreachable: 'unavailable',
  timeout: 'unavailable',
  rejected: 'unavailable',
  injected: 'unavailable',
  'reply-lost': 'unavailable',
  invalid: 'invalid-argument',
  'unknown-device': 'not-found',
  unsupported: 'failed-precondition',
  conflict: 'failed-precondition',
  'not-found': 'failed-precondition',
  dependency: 'failed-precondition',
};

describe('errorKindOfDeviceFailure', () => {
  it.each(Object.entries(expected))('maps a device failing with %s to %s', (reason, kind) => {
    expect(errorKindOfDeviceFailure(reason as DeviceFailureReason)).toBe(kind);
  });

  it('makes DeviceOperationError a LoomError of that kind, its message unchanged', () => {
    const error = new DeviceOperationError('leaf1', 'createVrf', 'capacity', 'leaf1 is full');
    expect(error).toBeInstanceOf(LoomError);
    expect(errorKindOf(error)).toBe('resource-exhausted');
    expect(error.message).toBe('leaf1: createVrf failed (capacity): leaf1 is full');
    expect(error.name).toBe('DeviceOperationError');
    expect(errorKindOf(new DeviceOperationError('leaf1', 'bindL2Vni', 'timeout', 'slow'))).toBe(
      'unavailable',
    );
  });
});

describe('runDeviceOperation', () => {
  const createVrf = (vrf: string, l3Vni: number): FabricOperation => ({
    kind: 'createVrf',
    vrf,
    l3Vni,
    rd: `65000:${l3Vni}`,
    importRts: [`65000:${l3Vni}`],
    exportRts: [`65000:${l3Vni}`],
  });

  it('answers a device refusal with a DeviceOperationError of the refusal’s kind', async () => {
    const fabric = new SimulatedFabric({ topology: smallTopology });
    await expect(
      runDeviceOperation(fabric, 'leaf1', createVrf('blue', 50001), 'k1', 1_000),
    ).resolves.toEqual({ changed: true });
    // The same VNI under another name: a conflict.
    const refused = runDeviceOperation(fabric, 'leaf1', createVrf('red', 50001), 'k2', 1_000);
    await expect(refused).rejects.toBeInstanceOf(DeviceOperationError);
    await expect(refused).rejects.toMatchObject({
      reason: 'conflict',
      kind: 'failed-precondition',
    });
  });

  it('answers a device at its capacity with a resource-exhausted DeviceOperationError', async () => {
    const fabric = new SimulatedFabric({ topology: smallTopology }); // leaves hold 2 L3 VNIs
    for (const [index, vrf] of ['blue', 'green'].entries()) {
      await runDeviceOperation(fabric, 'leaf1', createVrf(vrf, 50001 + index), vrf, 1_000);
    }
    const full = runDeviceOperation(fabric, 'leaf1', createVrf('red', 50003), 'red', 1_000);
    await expect(full).rejects.toMatchObject({ reason: 'capacity', kind: 'resource-exhausted' });
  });
});
