import type { EventStore, RecordedEvent } from '@loom/event-store';
import { LoomError, type ErrorKind } from '@loom/errors';
import type { AggregateStore, EventReaction } from '@loom/intents';
import { parseOperationName, parseVpcName } from '@loom/names';
import { decodeSagaEvent, isSagaOf, readSagaStart, sagaStreamPrefix } from '@loom/sagas';
import { operationDecider } from '../operations/operation.decider';
import { fabricFailureKind } from '../provisioning/fabric-failure-kind';
import { streams } from '../shared/streams';
import {
  applyFloatingIpSaga,
  clearExternalGatewaySaga,
  setExternalGatewaySaga,
} from './external-fabric.saga-types';
import type { FloatingIpFabricInput } from './external-fabric.input';
import { externalGatewayDecider } from './external-gateway.decider';
import { floatingIpDecider } from './floating-ip.decider';

const actor = 'loom:external-fabric-outcomes';

/**
 * A process manager, like the ports': when an external gateway's or a floating IP's saga ends,
 * the gateway or floating IP becomes ACTIVE (or ERROR with the reason) and its operation is done,
 * with the error kind of a failure. Every command is idempotent, so a replay is harmless.
 */
export function externalFabricOutcomes(
  store: Pick<EventStore, 'readStream'>,
  aggregates: AggregateStore,
): EventReaction {
  return {
    filter: { streamPrefixes: [sagaStreamPrefix], eventTypes: ['SagaCompleted', 'SagaFailed'] },
    handle: async (event) => {
      const start = await readSagaStart(store, event.stream);
      if (start === undefined) return;
      const failure = failureOf(event);
      const metadataOf = (operation: string) => {
        const { tenant } = parseOperationName(operation);
        return { tenant, actor, causationId: event.id };
      };
      let operation: string;
      if (isSagaOf(start, setExternalGatewaySaga) || isSagaOf(start, clearExternalGatewaySaga)) {
        operation = start.input.operation;
        if (isSagaOf(start, setExternalGatewaySaga)) {
          const { tenant: tenantId, vpc: vpcId } = parseVpcName(
            start.input.gateway.replace(/\/externalGateway$/, ''),
          );
          const target = { tenantId, vpcId };
          await aggregates
            .execute(
              streams.externalGateway(tenantId, vpcId),
              externalGatewayDecider,
              failure
                ? { ...target, type: 'FailExternalGateway', reason: failure.message }
                : { ...target, type: 'ActivateExternalGateway' },
              metadataOf(operation),
            )
            .catch(ignoreNotFound);
        }
      } else if (isSagaOf(start, applyFloatingIpSaga)) {
        operation = start.input.operation;
        const [, tenantId = '', , floatingIpId = ''] = start.input.floatingIp.split('/');
        const target = { tenantId, floatingIpId };
        if (failure) {
          await revertAssociation(aggregates, start.input, metadataOf(operation));
        }
        await aggregates
          .execute(
            streams.floatingIp(tenantId, floatingIpId),
            floatingIpDecider,
            failure
              ? { ...target, type: 'FailFloatingIp', reason: failure.message }
              : { ...target, type: 'ActivateFloatingIp' },
            metadataOf(operation),
          )
          .catch(ignoreNotFound);
      } else return;
      const { tenant: tenantId, operation: operationId } = parseOperationName(operation);
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
        metadataOf(operation),
      );
    },
  };
}

/**
 * A failed floating IP saga left the nodes as they were: the intent goes back to the association
 * before (the floating IP, and the gateways it moved between), so intent and devices agree.
 */
async function revertAssociation(
  aggregates: AggregateStore,
  input: FloatingIpFabricInput,
  metadata: { tenant: string; actor: string; causationId: string },
): Promise<void> {
  if (input.previous === undefined || input.next === undefined) return;
  const [, tenantId = '', , floatingIpId = ''] = input.floatingIp.split('/');
  const { previous, next } = input;
  const tolerate = (work: Promise<unknown>) => work.then(() => undefined, ignoreRefusal);
  await tolerate(
    aggregates.execute(
      streams.floatingIp(tenantId, floatingIpId),
      floatingIpDecider,
      {
        type: 'AssociateFloatingIp',
        tenantId,
        floatingIpId,
        association: previous,
        operation: input.operation,
      },
      metadata,
    ),
  );
  if (next) {
    await tolerate(
      aggregates.execute(
        streams.externalGateway(tenantId, next.vpcId),
        externalGatewayDecider,
        { type: 'DetachFloatingIp', tenantId, vpcId: next.vpcId, floatingIp: input.floatingIp },
        metadata,
      ),
    );
  }
  if (previous) {
    await tolerate(
      aggregates.execute(
        streams.externalGateway(tenantId, previous.vpcId),
        externalGatewayDecider,
        {
          type: 'AttachFloatingIp',
          tenantId,
          vpcId: previous.vpcId,
          floatingIp: input.floatingIp,
          externalNetworkId: input.gatewayNodes.externalNetwork,
          privateAddress: previous.fixedIp,
        },
        metadata,
      ),
    );
  }
}

/** What changed meanwhile (the floating IP or a gateway deleted) is left as it is now. */
function ignoreRefusal(error: unknown): void {
  if (
    error instanceof LoomError &&
    (error.kind === 'not-found' || error.kind === 'failed-precondition')
  ) {
    return;
  }
  throw error;
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
