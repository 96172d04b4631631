import {
  startCheckpointedSubscription,
  type EventStore,
  type RecordedEvent,
  type RunningSubscription,
} from '@loom/event-store';
import { operationDecider } from '../operations/operation.decider';
import { splitOperationName } from '../operations/operation.service';
import { leafVlansDecider } from '../pools/leaf-vlans.decider';
import { portDecider } from '../ports/port.decider';
import type { AggregateStore } from '@loom/intents';
import { LoomError, type ErrorKind } from '@loom/errors';
import { streams } from '../shared/streams';
import { fabricFailureKind } from './fabric-failure-kind';
import { deprovisionPortSaga, provisionPortSaga } from './port-fabric.saga-types';
import type { PortFabricInput } from './provisioning.input';

interface SagaStartedData {
  readonly sagaType: string;
  readonly input: PortFabricInput;
}

interface SagaFailedData {
  readonly error?: { readonly reason?: string; readonly step?: string };
}

const actor = 'loom:port-fabric-outcomes';

/**
 * A process manager: when a port's fabric saga ends, records what it means for the intent: the
 * port becomes ACTIVE (or ERROR with the reason) and its operation is done. Durable through a
 * named checkpoint; every command it issues is idempotent, so a replay after a crash is harmless.
 */
export function startPortFabricOutcomes(
  store: EventStore,
  aggregates: AggregateStore,
): RunningSubscription {
  return startCheckpointedSubscription(store, {
    name: 'port-fabric-outcomes',
    filter: { streamPrefixes: ['saga-'], eventTypes: ['SagaCompleted', 'SagaFailed'] },
    handle: async (event) => {
      const [started] = await store.readStream(event.stream, { maxCount: 1 });
      const data = started?.data as SagaStartedData | undefined;
      if (data?.sagaType !== provisionPortSaga && data?.sagaType !== deprovisionPortSaga) return;
      await recordOutcome(aggregates, data, event);
    },
  });
}

async function recordOutcome(
  aggregates: AggregateStore,
  saga: SagaStartedData,
  event: RecordedEvent,
): Promise<void> {
  const { tenantId, operationId } = splitOperationName(saga.input.operation);
  const [, , , vpcId = '', , subnetId = '', , portId = ''] = saga.input.port.split('/');
  const metadata = { tenant: tenantId, actor, causationId: event.id };
  const port = { tenantId, vpcId, subnetId, portId };
  const failure = event.type === 'SagaFailed' ? failureOf(event.data) : undefined;
  if (saga.sagaType === provisionPortSaga && failure) {
    // The saga undid the port's configuration: the leaf's intent no longer counts the port, so
    // later sagas on the leaf do not keep shared configuration for it.
    await aggregates.execute(
      streams.leafVlans(saga.input.leaf),
      leafVlansDecider,
      {
        type: 'UnbindPortVlan',
        leaf: saga.input.leaf,
        port: saga.input.port,
        owner: saga.input.operation,
      },
      metadata,
    );
  }
  if (saga.sagaType === provisionPortSaga) {
    const command = failure
      ? ({ ...port, type: 'FailPort', reason: failure.message } as const)
      : ({ ...port, type: 'ActivatePort' } as const);
    // The port may have been deleted while its fabric work ran: nothing to record on it then.
    await aggregates
      .execute(streams.port(tenantId, vpcId, subnetId, portId), portDecider, command, metadata)
      .catch(ignoreNotFound);
  }
  await aggregates.execute(
    streams.operation(tenantId, operationId),
    operationDecider,
    failure
      ? {
          type: 'FailOperation',
          tenantId,
          operationId,
          kind: failure.kind,
          message: failure.message,
        }
      : { type: 'SucceedOperation', tenantId, operationId },
    metadata,
  );
}

function failureOf(data: SagaFailedData): { kind: ErrorKind; message: string } {
  const reason = data.error?.reason ?? 'the fabric work failed';
  const message = `fabric step ${data.error?.step ?? '?'} failed and was undone: ${reason}`;
  return { kind: fabricFailureKind(data.error), message };
}

function ignoreNotFound(error: unknown): void {
  if (error instanceof LoomError && error.kind === 'not-found') return;
  throw error;
}
