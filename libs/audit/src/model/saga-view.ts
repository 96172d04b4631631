import type { JsonObject } from '@loom/event-store';

/**
 * What a saga's lifecycle looks like in Changes: its status, and the reason an operator gave.
 * Steps are left to Trace. Unknown event types leave the view as it was.
 */
export function evolveSagaView(
  view: JsonObject | undefined,
  type: string,
  data: JsonObject,
): JsonObject {
  const current = view ?? {};
  const status = sagaStatusAfter[type];
  const reason = typeof data['reason'] === 'string' ? data['reason'] : undefined;
  const operator = type === 'SagaRetried' || type === 'SagaAborted' || type === 'SagaResolved';
  const { reason: _previousReason, ...rest } = current;
  return {
    ...rest,
    ...(type === 'SagaStarted' && typeof data['sagaType'] === 'string'
      ? { sagaType: data['sagaType'], resourceKey: data['resourceKey'] ?? '' }
      : {}),
    ...(status === undefined ? {} : { status }),
    ...(operator && reason !== undefined ? { reason } : {}),
  };
}

const sagaStatusAfter: Readonly<Record<string, string>> = {
  SagaStarted: 'running',
  SagaCompensationStarted: 'compensating',
  SagaCompleted: 'completed',
  SagaFailed: 'failed',
  SagaParked: 'parked',
  SagaRetried: 'running',
  SagaAborted: 'compensating',
  SagaResolved: 'failed',
};
