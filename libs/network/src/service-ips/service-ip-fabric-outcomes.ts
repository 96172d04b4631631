import type { EventStore, RecordedEvent } from '@loom/event-store';
import { LoomError, type ErrorKind } from '@loom/errors';
import type { AggregateStore, EventReaction } from '@loom/intents';
import { parseOperationName, parseVpcName } from '@loom/names';
import { decodeSagaEvent, isSagaOf, readSagaStart, sagaStreamPrefix } from '@loom/sagas';
import { operationDecider } from '../operations/operation.decider';
import { fabricFailureKind } from '../provisioning/fabric-failure-kind';
import { streams } from '../shared/streams';
import { clearServiceIpSaga, setServiceIpSaga } from './service-ip-fabric.saga-types';
import { serviceIpDecider } from './service-ip.decider';
import type { ServiceIpDeleted } from './service-ip.events';
import { servicePoolDecider } from './service-pool.decider';

const actor = 'loom:service-ip-fabric-outcomes';

/**
 * A process manager, like the ports' and the gateways': when a service IP's saga ends, the
 * service IP becomes ACTIVE (or ERROR with the reason) and its operation is done, with the error
 * kind of a failure. Every command is idempotent, so a replay is harmless.
 */
export function serviceIpFabricOutcomes(
  store: Pick<EventStore, 'readStream'>,
  aggregates: AggregateStore,
): EventReaction {
  return {
    filter: { streamPrefixes: [sagaStreamPrefix], eventTypes: ['SagaCompleted', 'SagaFailed'] },
    handle: async (event) => {
      const start = await readSagaStart(store, event.stream);
      if (start === undefined) return;
      if (!isSagaOf(start, setServiceIpSaga) && !isSagaOf(start, clearServiceIpSaga)) return;
      const { operation } = start.input;
      const failure = failureOf(event);
      const { tenant: tenantId, operation: operationId } = parseOperationName(operation);
      const metadata = { tenant: tenantId, actor, causationId: event.id };
      const { vpc: vpcId } = parseVpcName(start.input.serviceIp.replace(/\/serviceIp$/, ''));
      const target = { tenantId, vpcId };
      if (isSagaOf(start, clearServiceIpSaga)) {
        if (failure) {
          // The node still holds it: so does the intent again, in ERROR, its /31 still held.
          const deleted = await deletedServiceIp(store, tenantId, vpcId);
          if (deleted) {
            await aggregates.execute(
              streams.serviceIp(tenantId, vpcId),
              serviceIpDecider,
              { ...target, type: 'RestoreServiceIp', deleted, reason: failure.message },
              metadata,
            );
          }
        } else {
          await aggregates.execute(
            streams.servicePool,
            servicePoolDecider,
            { type: 'ReleaseServiceBlock', owner: start.input.createdBy },
            metadata,
          );
        }
      }
      if (isSagaOf(start, setServiceIpSaga)) {
        await aggregates
          .execute(
            streams.serviceIp(tenantId, vpcId),
            serviceIpDecider,
            failure
              ? { ...target, type: 'FailServiceIp', reason: failure.message }
              : { ...target, type: 'ActivateServiceIp' },
            metadata,
          )
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
    },
  };
}

/** The data of the service IP's last deletion, as recorded on its stream. */
async function deletedServiceIp(
  store: Pick<EventStore, 'readStream'>,
  tenantId: string,
  vpcId: string,
): Promise<ServiceIpDeleted['data'] | undefined> {
  const events = await store.readStream(streams.serviceIp(tenantId, vpcId));
  const deleted = events.filter((event) => event.type === 'ServiceIpDeleted').at(-1);
  return deleted ? (deleted.data as unknown as ServiceIpDeleted['data']) : undefined;
}

function failureOf(recorded: RecordedEvent): { kind: ErrorKind; message: string } | undefined {
  const event = decodeSagaEvent(recorded);
  if (event.type !== 'SagaFailed') return undefined;
  const { error } = event.data;
  const step = error.kind === 'step-failed' ? error.step : '?';
  return {
    kind: fabricFailureKind(error),
    message: `fabric step ${step} failed and was undone: ${error.reason}`,
  };
}

function ignoreNotFound(error: unknown): void {
  if (error instanceof LoomError && error.kind === 'not-found') return;
  throw error;
}
