import type { FabricDriver, FabricOperation } from '@loom/fabric';
import { defineSaga, type AnySagaDefinition, type SagaStep, type StepContext } from '@loom/sagas';
import { runDeviceOperation } from '../provisioning/device-operations';
import type { QosFabricInput, QosFabricLimits } from './qos-fabric.input';
import { applyQosPolicySaga } from './qos-fabric.saga-types';
import type { QosAttachment } from './qos-policy.events';

export interface QosFabricSagaDependencies {
  readonly driver: FabricDriver;
  /** How long one device operation may take before the step counts as timed out. */
  readonly deviceTimeoutMs: number;
  /** The steps' retry policy (tests shorten the backoff); the saga engine's default otherwise. */
  readonly retry?: SagaStep<unknown>['retry'];
}

/** The operations that give one attachment `limits` (null: none) on each of its devices. */
export function shapingOperations(
  attachment: QosAttachment,
  limits: QosFabricLimits | null,
): { device: string; operation: FabricOperation }[] {
  const { placement } = attachment;
  if (placement.kind === 'port') {
    const { leaf, interface: iface, vlan, address } = placement;
    const target = { interface: iface, vlan, address };
    const operation: FabricOperation = limits
      ? { kind: 'shapePort', ...target, ingress: limits.ingress, egress: limits.egress }
      : { kind: 'unshapePort', ...target };
    return [{ device: leaf, operation }];
  }
  const { vrf, publicAddress } = placement;
  const operation: FabricOperation = limits
    ? {
        kind: 'shapeFloatingIp',
        vrf,
        publicAddress,
        ingress: limits.ingress,
        egress: limits.egress,
      }
    : { kind: 'unshapeFloatingIp', vrf, publicAddress };
  // Both gateway nodes of the network shape it (HA: either may carry the traffic).
  return placement.nodes.map((device) => ({ device, operation }));
}

type Kind = QosAttachment['placement']['kind'];

/**
 * One step for the attachments of one kind: the action gives each the new limits (or removes its
 * shaping), the compensation the old ones on every device, each an ensure, so a step that failed
 * part way is undone wherever it got to.
 */
function shapeStep(
  dependencies: QosFabricSagaDependencies,
  name: string,
  kind: Kind,
): SagaStep<QosFabricInput> {
  const { driver, deviceTimeoutMs } = dependencies;
  const ofKind = (input: QosFabricInput) =>
    input.attachments.filter((attachment) => attachment.placement.kind === kind);
  const apply = async (context: StepContext<QosFabricInput>, limits: QosFabricLimits | null) => {
    for (const attachment of ofKind(context.input)) {
      for (const { device, operation } of shapingOperations(attachment, limits)) {
        const key = `${context.idempotencyKey}/${device}/${attachment.resource}/${operation.kind}`;
        await runDeviceOperation(driver, device, operation, key, deviceTimeoutMs);
      }
    }
  };
  return {
    name,
    timeoutMs: 2 * deviceTimeoutMs + 1_000,
    ...(dependencies.retry ? { retry: dependencies.retry } : {}),
    action: async (context) => {
      await apply(context, context.input.to);
      return undefined;
    },
    compensation: (context) => apply(context, context.input.from),
    skipWhen: (input) => ofKind(input).length === 0,
  };
}

/**
 * A QoS policy's fabric work: its ports on their leaves, then its floating IPs on their gateway
 * nodes, each step compensated by putting the limits before back (or removing the shaping).
 */
export function qosFabricSagas(dependencies: QosFabricSagaDependencies): AnySagaDefinition[] {
  return [
    defineSaga<QosFabricInput>({
      type: applyQosPolicySaga.type,
      steps: [
        shapeStep(dependencies, 'shape-ports', 'port'),
        shapeStep(dependencies, 'shape-floating-ips', 'floatingIp'),
      ],
    }),
  ];
}
