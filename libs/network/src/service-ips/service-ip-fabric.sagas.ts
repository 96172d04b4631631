import { serviceStateOf, type FabricDriver, type FabricOperation } from '@loom/fabric';
import { defineSaga, type AnySagaDefinition, type SagaStep, type StepContext } from '@loom/sagas';
import { runDeviceOperation } from '../provisioning/device-operations';
import type { ServiceIpFabricInput } from './service-ip-fabric.input';
import { clearServiceIpSaga, setServiceIpSaga } from './service-ip-fabric.saga-types';

export interface ServiceIpFabricSagaDependencies {
  readonly driver: FabricDriver;
  /** How long one device operation may take before the step counts as timed out. */
  readonly deviceTimeoutMs: number;
  /** The steps' retry policy (tests shorten the backoff); the saga engine's default otherwise. */
  readonly retry?: SagaStep<unknown>['retry'];
}

type Input = ServiceIpFabricInput;
type Operations = (input: Input) => FabricOperation[];

/**
 * A service IP's fabric work on its service node. Setting it puts the VPC's VRF on the border
 * leaf (EVPN with its L3 VNI), links it to the management table with its /31 of the service pool,
 * leaks each management prefix into the VRF (announced into the VPC as type-5 routes) and
 * translates what the VPC sends there to its management-side address; clearing it takes the same
 * steps back in reverse. Each step's compensation restores the node exactly as it was. The VRF
 * and its BGP EVPN stay while ports of the VPC bound on the border leaf still use them.
 */
export function serviceIpFabricSagas(
  dependencies: ServiceIpFabricSagaDependencies,
): AnySagaDefinition[] {
  const { driver, deviceTimeoutMs } = dependencies;
  const vrf = (input: Input) => input.routing.vrfName;
  const apply = async (context: StepContext<Input>, operations: FabricOperation[]) => {
    for (const [index, operation] of operations.entries()) {
      const key = `${context.idempotencyKey}/${index}-${operation.kind}`;
      await runDeviceOperation(driver, context.input.node, operation, key, deviceTimeoutMs);
    }
  };
  /** Ports of the VPC on the border leaf (bound L2 VNIs) keep its VRF and BGP EVPN there. */
  const vrfInUse = async (input: Input): Promise<boolean> =>
    (await driver.readState(input.node)).l2Vnis.some((l2) => l2.vrf === vrf(input));
  /** The same, and nothing of the service IP is left on it. */
  const vrfMayGo = async (input: Input): Promise<boolean> => {
    const state = await driver.readState(input.node);
    return (
      !state.l2Vnis.some((l2) => l2.vrf === vrf(input)) &&
      !serviceStateOf(state).links.some((link) => link.vrf === vrf(input))
    );
  };
  const unlessInUse =
    (operations: Operations) =>
    async (input: Input): Promise<FabricOperation[]> =>
      (await vrfMayGo(input)) ? operations(input) : [];

  const createVrf: Operations = (input) => [
    {
      kind: 'createVrf',
      vrf: vrf(input),
      l3Vni: input.routing.l3Vni,
      rd: input.routing.routeDistinguisher,
      importRts: input.routing.importRouteTargets,
      exportRts: input.routing.exportRouteTargets,
    },
  ];
  const deleteVrf: Operations = (input) => [{ kind: 'deleteVrf', vrf: vrf(input) }];
  const configureBgp: Operations = (input) => [{ kind: 'configureBgpEvpn', vrf: vrf(input) }];
  const removeBgp: Operations = (input) => [{ kind: 'removeBgpEvpn', vrf: vrf(input) }];
  const addLink: Operations = (input) => [
    { kind: 'addServiceLink', vrf: vrf(input), ...input.link },
  ];
  const removeLink: Operations = (input) => [{ kind: 'removeServiceLink', vrf: vrf(input) }];
  const addRoutes: Operations = (input) =>
    input.prefixes.map((prefix) => ({ kind: 'addServiceRoute', vrf: vrf(input), prefix }));
  const removeRoutes: Operations = (input) =>
    input.prefixes.map((prefix) => ({ kind: 'removeServiceRoute', vrf: vrf(input), prefix }));
  const addNat: Operations = (input) => [
    { kind: 'addServiceNat', vrf: vrf(input), address: input.address },
  ];
  const removeNat: Operations = (input) => [{ kind: 'removeServiceNat', vrf: vrf(input) }];

  const step = (
    name: string,
    action: (input: Input) => FabricOperation[] | Promise<FabricOperation[]>,
    undo: (input: Input) => FabricOperation[] | Promise<FabricOperation[]>,
  ): SagaStep<Input> => ({
    name,
    timeoutMs: 4 * deviceTimeoutMs + 1_000,
    ...(dependencies.retry ? { retry: dependencies.retry } : {}),
    action: async (context) => {
      await apply(context, await action(context.input));
      return undefined;
    },
    compensation: async (context) => apply(context, await undo(context.input)),
  });
  // Undoing the VRF steps of a set leaves them to ports of the VPC that need them.
  const undoUnlessPorts =
    (operations: Operations) =>
    async (input: Input): Promise<FabricOperation[]> =>
      (await vrfInUse(input)) ? [] : operations(input);

  const set = defineSaga<Input>({
    type: setServiceIpSaga.type,
    steps: [
      step('add-vrf', createVrf, unlessInUse(deleteVrf)),
      step('add-bgp-evpn', configureBgp, undoUnlessPorts(removeBgp)),
      step('add-service-link', addLink, removeLink),
      step('add-service-routes', addRoutes, removeRoutes),
      step('add-service-nat', addNat, removeNat),
    ],
  });
  const clear = defineSaga<Input>({
    type: clearServiceIpSaga.type,
    steps: [
      step('remove-service-nat', removeNat, addNat),
      step('remove-service-routes', removeRoutes, addRoutes),
      step('remove-service-link', removeLink, addLink),
      step('remove-bgp-evpn', undoUnlessPorts(removeBgp), configureBgp),
      step('remove-vrf', unlessInUse(deleteVrf), createVrf),
    ],
  });
  return [set, clear];
}
