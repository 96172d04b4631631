import type { FabricDriver, FabricOperation } from '@loom/fabric';
import { defineSaga, type AnySagaDefinition, type SagaStep, type StepContext } from '@loom/sagas';
import { runDeviceOperation } from '../provisioning/device-operations';
import type { ExternalGatewayFabricInput, FloatingIpFabricInput } from './external-fabric.input';
import {
  applyFloatingIpSaga,
  clearExternalGatewaySaga,
  setExternalGatewaySaga,
} from './external-fabric.saga-types';

export interface ExternalFabricSagaDependencies {
  readonly driver: FabricDriver;
  /** How long one device operation may take before the step counts as timed out. */
  readonly deviceTimeoutMs: number;
  /** The steps' retry policy (tests shorten the backoff); the saga engine's default otherwise. */
  readonly retry?: SagaStep<unknown>['retry'];
}

type Operations<Input> = (input: Input) => FabricOperation[];

const hostOf = (address: string): string => address.split('/')[0] ?? address;

/**
 * One step that applies the same operations on every gateway node of the external network (HA:
 * both hold every VPC's NAT state), one idempotency key per node and operation; its compensation
 * applies the undoing operations on every node, each a no-op where there is nothing to undo, so
 * a step that failed on one node after succeeding on the other is undone on both.
 */
function nodeStep<Input extends { readonly gatewayNodes: { readonly nodes: readonly string[] } }>(
  dependencies: ExternalFabricSagaDependencies,
  name: string,
  action: Operations<Input>,
  undo: Operations<Input>,
  skip?: (input: Input) => boolean,
): SagaStep<Input> {
  const { driver, deviceTimeoutMs } = dependencies;
  const apply = async (context: StepContext<Input>, operations: FabricOperation[]) => {
    for (const node of context.input.gatewayNodes.nodes) {
      for (const [index, operation] of operations.entries()) {
        const key = `${context.idempotencyKey}/${node}/${index}-${operation.kind}`;
        await runDeviceOperation(driver, node, operation, key, deviceTimeoutMs);
      }
    }
  };
  return {
    name,
    timeoutMs: 2 * deviceTimeoutMs + 1_000,
    ...(dependencies.retry ? { retry: dependencies.retry } : {}),
    action: async (context) => {
      await apply(context, action(context.input));
      return undefined;
    },
    compensation: (context) => apply(context, undo(context.input)),
    ...(skip ? { skipWhen: (input: Input) => skip(input) } : {}),
  };
}

/**
 * The external network's fabric work on its gateway nodes. Setting a VPC's gateway puts the VPC's
 * VRF on every node (EVPN with its L3 VNI), links it to the node's public table with its transfer
 * /31, gives it a default route (announced into the VPC as a type-5 route), its SNAT rule and the
 * SNAT address's upstream announcement; clearing it takes the same steps back in reverse. A
 * floating IP's change withdraws and removes its old translation and adds and announces its new
 * one. Each step's compensation restores every node exactly as it was.
 */
export function externalFabricSagas(
  dependencies: ExternalFabricSagaDependencies,
): AnySagaDefinition[] {
  type Gateway = ExternalGatewayFabricInput;
  const vrf = (input: Gateway) => input.routing.vrfName;
  const createVrf = (input: Gateway): FabricOperation => ({
    kind: 'createVrf',
    vrf: vrf(input),
    l3Vni: input.routing.l3Vni,
    rd: input.routing.routeDistinguisher,
    importRts: input.routing.importRouteTargets,
    exportRts: input.routing.exportRouteTargets,
  });
  const gatewaySteps: {
    name: string;
    add: Operations<Gateway>;
    remove: Operations<Gateway>;
  }[] = [
    {
      name: 'vrf',
      add: (input) => [createVrf(input)],
      remove: (input) => [{ kind: 'deleteVrf', vrf: vrf(input) }],
    },
    {
      name: 'bgp-evpn',
      add: (input) => [{ kind: 'configureBgpEvpn', vrf: vrf(input) }],
      remove: (input) => [{ kind: 'removeBgpEvpn', vrf: vrf(input) }],
    },
    {
      name: 'transfer-link',
      add: (input) => [{ kind: 'addTransferLink', vrf: vrf(input), ...input.transfer }],
      remove: (input) => [{ kind: 'removeTransferLink', vrf: vrf(input) }],
    },
    {
      name: 'default-route',
      add: (input) => [
        {
          kind: 'addDefaultRoute',
          vrf: vrf(input),
          nextHop: hostOf(input.transfer.gatewayAddress),
        },
      ],
      remove: (input) => [{ kind: 'removeDefaultRoute', vrf: vrf(input) }],
    },
    {
      name: 'snat',
      add: (input) => [{ kind: 'addSnat', vrf: vrf(input), publicAddress: input.snatAddress }],
      remove: (input) => [{ kind: 'removeSnat', vrf: vrf(input) }],
    },
    {
      name: 'snat-announcement',
      add: (input) => [{ kind: 'announceUpstream', prefix: `${input.snatAddress}/32` }],
      remove: (input) => [{ kind: 'withdrawUpstream', prefix: `${input.snatAddress}/32` }],
    },
  ];
  const set = defineSaga<Gateway>({
    type: setExternalGatewaySaga.type,
    steps: gatewaySteps.map((step) =>
      nodeStep(dependencies, `add-${step.name}`, step.add, step.remove),
    ),
  });
  const clear = defineSaga<Gateway>({
    type: clearExternalGatewaySaga.type,
    steps: [...gatewaySteps]
      .reverse()
      .map((step) => nodeStep(dependencies, `remove-${step.name}`, step.remove, step.add)),
  });

  type FloatingIp = FloatingIpFabricInput;
  const prefix = (input: FloatingIp) => `${input.publicAddress}/32`;
  const withdraw = (input: FloatingIp): FabricOperation[] => [
    { kind: 'withdrawUpstream', prefix: prefix(input) },
  ];
  const announce = (input: FloatingIp): FabricOperation[] => [
    { kind: 'announceUpstream', prefix: prefix(input) },
  ];
  const addDnat =
    (target: FloatingIp['from']) =>
    (input: FloatingIp): FabricOperation[] =>
      target
        ? [
            {
              kind: 'addDnat',
              vrf: target.vrf,
              publicAddress: input.publicAddress,
              privateAddress: target.privateAddress,
            },
          ]
        : [];
  const removeDnat =
    (target: FloatingIp['from']) =>
    (input: FloatingIp): FabricOperation[] =>
      target ? [{ kind: 'removeDnat', vrf: target.vrf, publicAddress: input.publicAddress }] : [];
  const floatingIp = defineSaga<FloatingIp>({
    type: applyFloatingIpSaga.type,
    steps: [
      nodeStep(dependencies, 'withdraw-old', withdraw, announce, (input) => input.from === null),
      nodeStep(
        dependencies,
        'remove-old-dnat',
        (input) => removeDnat(input.from)(input),
        (input) => addDnat(input.from)(input),
        (input) => input.from === null,
      ),
      nodeStep(
        dependencies,
        'add-new-dnat',
        (input) => addDnat(input.to)(input),
        (input) => removeDnat(input.to)(input),
        (input) => input.to === null,
      ),
      nodeStep(dependencies, 'announce-new', announce, withdraw, (input) => input.to === null),
    ],
  });
  return [set, clear, floatingIp];
}
