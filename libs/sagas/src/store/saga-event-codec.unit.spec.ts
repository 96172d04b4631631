import type { JsonObject, RecordedEvent } from '@loom/event-store';
import type { SagaEvent } from '../domain/saga.events';
import { at, compensationFailed, stepFailed } from '../testing/saga-fixtures';
import {
  decodeSagaEvent,
  encodeSagaEvent,
  sagaEventSchemaVersions,
  UnreadableSagaEventError,
} from './saga-event-codec';

function stored(type: string, schemaVersion: number, data: JsonObject): RecordedEvent {
  return {
    id: 'e1',
    stream: 'saga-port-create-1',
    revision: 3,
    position: 42n,
    type,
    schemaVersion,
    data,
    metadata: { occurredAt: at(0) },
    recordedAt: new Date(0),
  };
}

function roundTrip(event: SagaEvent): SagaEvent {
  const written = encodeSagaEvent(event, {});
  return decodeSagaEvent(stored(written.type, written.schemaVersion ?? 1, written.data));
}

const capacity =
  'leaf1: createVrf failed (capacity): capacity: leaf1 already holds its maximum of 2 VRFs';

describe('saga event codec', () => {
  it('writes the failure events at schema version 2, with their error kind', () => {
    expect(sagaEventSchemaVersions).toMatchObject({
      SagaStepFailed: 2,
      SagaCompensationFailed: 2,
      SagaFailed: 2,
      SagaParked: 2,
    });
    for (const event of [stepFailed('create-vrf', 1, null), compensationFailed('bind', 2, null)]) {
      expect(encodeSagaEvent(event, {}).schemaVersion).toBe(2);
      expect(roundTrip(event)).toEqual(event);
    }
  });

  describe('a version 1 failure event, stored before error kinds, decodes', () => {
    const failure = { step: 'create-vrf', attempt: 2, retryAt: null, at: at(2) };

    it.each([
      ['error', capacity, 'resource-exhausted'],
      ['error', 'leaf1: createVrf failed (unreachable): connection refused', 'internal'],
      ['error', 'boom', 'internal'],
      ['timeout', 'no outcome within 500 ms', 'unavailable'],
      ['interrupted', 'the worker running this attempt stopped', 'unavailable'],
    ])('SagaStepFailed with cause %s and reason %p: %s', (cause, reason, errorKind) => {
      const data = { ...failure, cause, reason };
      expect(decodeSagaEvent(stored('SagaStepFailed', 1, data))).toEqual({
        type: 'SagaStepFailed',
        data: { ...data, errorKind },
      });
      expect(decodeSagaEvent(stored('SagaCompensationFailed', 1, data))).toEqual({
        type: 'SagaCompensationFailed',
        data: { ...data, errorKind },
      });
    });

    it('SagaFailed and SagaParked: a step failure’s kind from its cause and reason', () => {
      const error = { kind: 'step-failed', step: 'create-vrf', attempt: 3, cause: 'error' };
      const failed = { error: { ...error, reason: capacity }, compensated: [], at: at(5) };
      expect(decodeSagaEvent(stored('SagaFailed', 1, failed))).toEqual({
        type: 'SagaFailed',
        data: { ...failed, error: { ...failed.error, errorKind: 'resource-exhausted' } },
      });
      const parked = {
        step: 'create-vrf',
        reason: 'out of retries',
        phase: 'compensating',
        error: { ...error, reason: 'boom' },
        at: at(6),
      };
      expect(decodeSagaEvent(stored('SagaParked', 1, parked))).toEqual({
        type: 'SagaParked',
        data: { ...parked, error: { ...parked.error, errorKind: 'internal' } },
      });
    });

    it('SagaFailed and SagaParked: an abort is aborted, and no error stays none', () => {
      const abort = { kind: 'aborted', actor: 'alice', reason: 'maintenance' };
      const failed = { error: abort, compensated: ['create-vrf'], at: at(5) };
      expect(decodeSagaEvent(stored('SagaFailed', 1, failed))).toEqual({
        type: 'SagaFailed',
        data: { ...failed, error: { ...abort, errorKind: 'aborted' } },
      });
      const parked = {
        step: null,
        reason: 'no such step',
        phase: 'running',
        error: null,
        at: at(6),
      };
      expect(decodeSagaEvent(stored('SagaParked', 1, parked))).toEqual({
        type: 'SagaParked',
        data: parked,
      });
    });
  });

  it('leaves a version 2 event as it was written', () => {
    const data = {
      step: 'create-vrf',
      attempt: 1,
      cause: 'error',
      reason: capacity,
      errorKind: 'unavailable',
      retryAt: null,
      at: at(2),
    };
    expect(decodeSagaEvent(stored('SagaStepFailed', 2, data))).toEqual({
      type: 'SagaStepFailed',
      data,
    });
  });

  it('refuses a version it has no way to read, and a type it does not know', () => {
    const data = { step: 'create-vrf', at: at(1) };
    expect(() => decodeSagaEvent(stored('SagaStepFailed', 3, data))).toThrow(
      UnreadableSagaEventError,
    );
    expect(() => decodeSagaEvent(stored('SagaStepFailed', 0, data))).toThrow(
      /SagaStepFailed has schema version 0; this build reads version 2/,
    );
    expect(() => decodeSagaEvent(stored('SagaStepSkipped', 2, data))).toThrow(
      UnreadableSagaEventError,
    );
    expect(() => decodeSagaEvent(stored('SagaExploded', 1, data))).toThrow(/unknown type/);
  });
});
