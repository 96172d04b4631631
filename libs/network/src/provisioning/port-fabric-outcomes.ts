import type { EventStore, RecordedEvent } from '@loom/event-store';
import { LoomError, type ErrorKind } from '@loom/errors';
import type { AggregateStore, EventReaction } from '@loom/intents';
import { parseOperationName, parsePortName } from '@loom/names';
import {
  decodeSagaEvent,
  isSagaOf,
  readSagaStart,
  sagaStreamPrefix,
  type SagaStart,
} from '@loom/sagas';
import { operationDecider } from '../operations/operation.decider';
import { leafVlansDecider } from '../pools/leaf-vlans.decider';
import { portDecider } from '../ports/port.decider';
import { streams } from '../shared/streams';
import { fabricFailureKind } from './fabric-failure-kind';
import { deprovisionPortSaga, provisionPortSaga } from './port-fabric.saga-types';
import type { PortFabricInput } from './provisioning.input';

const actor = 'loom:port-fabric-outcomes';

/**
 * A process manager: when a port's fabric saga ends, records what it means for the intent: the
 * port becomes ACTIVE (or ERROR with the reason) and its operation is done. It runs on the fabric
 * work dispatcher's durable subscription (see startFabricWorkDispatcher); every command it issues
 * is idempotent, so a replay after a crash is harmless.
 */
export function portFabricOutcomes(
  store: Pick<EventStore, 'readStream'>,
  aggregates: AggregateStore,
): EventReaction {
  return {
    filter: { streamPrefixes: [sagaStreamPrefix], eventTypes: ['SagaCompleted', 'SagaFailed'] },
    handle: async (event) => {
      const start = await readSagaStart(store, event.stream);
      if (start === undefined) return;
      if (isSagaOf(start, provisionPortSaga) || isSagaOf(start, deprovisionPortSaga)) {
        await recordOutcome(aggregates, start, event);
      }
    },
  };
}

async function recordOutcome(
  aggregates: AggregateStore,
  saga: SagaStart<PortFabricInput>,
  event: RecordedEvent,
): Promise<void> {
  const { input } = saga;
  const { tenant: tenantId, operation: operationId } = parseOperationName(input.operation);
  const { vpc: vpcId, subnet: subnetId, port: portId } = parsePortName(input.port);
  const metadata = { tenant: tenantId, actor, causationId: event.id };
  const port = { tenantId, vpcId, subnetId, portId };
  const failure = failureOf(event);
  const provisioning = saga.sagaType === provisionPortSaga.type;
  if (provisioning && failure) {
    // The saga undid the port's configuration: the leaf's intent no longer counts the port, so
    // later sagas on the leaf do not keep shared configuration for it.
    await aggregates.execute(
      streams.leafVlans(input.leaf),
      leafVlansDecider,
      { type: 'UnbindPortVlan', leaf: input.leaf, port: input.port, owner: input.operation },
      metadata,
    );
  }
  if (provisioning) {
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

/** The failure a SagaFailed records, as the port and its operation show it; none for SagaCompleted. */
function failureOf(recorded: RecordedEvent): { kind: ErrorKind; message: string } | undefined {
  const event = decodeSagaEvent(recorded);
  if (event.type !== 'SagaFailed') return undefined;
  const { error } = event.data;
  const step = error.kind === 'step-failed' ? error.step : '?';
  const message = `fabric step ${step} failed and was undone: ${error.reason}`;
  return { kind: fabricFailureKind(error), message };
}

function ignoreNotFound(error: unknown): void {
  if (error instanceof LoomError && error.kind === 'not-found') return;
  throw error;
}
