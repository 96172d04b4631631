import { errorKinds, type ErrorKind } from '@loom/errors';
import type { RecordedEvent } from '@loom/event-store';
import { decodeSagaEvent } from '@loom/sagas';
import { fabricFailureKind } from './fabric-failure-kind';

/** A SagaFailed as a build before typed error kinds stored it: schema version 1, text only. */
function storedBeforeErrorKinds(reason: string, cause = 'error'): RecordedEvent {
  return {
    id: 'e9',
    stream: 'saga-port-create-1',
    revision: 9,
    position: 99n,
    type: 'SagaFailed',
    schemaVersion: 1,
    data: {
      error: { kind: 'step-failed', step: 'create-vrf', attempt: 3, cause, reason },
      compensated: ['create-vrf'],
      at: '2030-01-01T00:00:00.000Z',
    },
    metadata: { occurredAt: '2030-01-01T00:00:00.000Z' },
    recordedAt: new Date(0),
  };
}

function kindOfStored(reason: string, cause?: string): ErrorKind {
  const event = decodeSagaEvent(storedBeforeErrorKinds(reason, cause));
  if (event.type !== 'SagaFailed') throw new Error('a SagaFailed was expected');
  return fabricFailureKind(event.data.error);
}

describe('fabricFailureKind', () => {
  it('is resource-exhausted when the saga recorded a device at its capacity', () => {
    expect(fabricFailureKind({ errorKind: 'resource-exhausted' })).toBe('resource-exhausted');
  });

  it.each(errorKinds.filter((kind) => kind !== 'resource-exhausted'))(
    'is unavailable for any other recorded kind (%s)',
    (errorKind: ErrorKind) => {
      expect(fabricFailureKind({ errorKind })).toBe('unavailable');
    },
  );

  it('reads the recorded kind, not the text: a reason naming capacity is not enough', () => {
    const error = {
      kind: 'step-failed',
      reason: 'leaf1: createVrf failed (unreachable): the leaf said (capacity)',
      errorKind: 'unavailable',
    } as const;
    expect(fabricFailureKind(error)).toBe('unavailable');
  });

  it('is unavailable when the saga recorded no error', () => {
    expect(fabricFailureKind(undefined)).toBe('unavailable');
  });
});

describe('fabricFailureKind of a SagaFailed stored before typed error kinds', () => {
  it('is resource-exhausted when a device refused for its capacity', () => {
    const reason =
      'leaf1: create-vrf failed (capacity): capacity: leaf1 already holds its maximum of 2 VRFs';
    expect(kindOfStored(reason)).toBe('resource-exhausted');
  });

  it.each([
    'leaf1: create-vrf failed (unreachable): connection refused',
    'leaf1: bind-l2-vni failed (timeout): no outcome within 500 ms',
    'leaf1: create-vrf failed (injected): fault injected',
    'step timed out',
    '',
  ])('is unavailable for any other failure (%p)', (reason) => {
    expect(kindOfStored(reason)).toBe('unavailable');
    expect(kindOfStored(reason, 'timeout')).toBe('unavailable');
  });
});
