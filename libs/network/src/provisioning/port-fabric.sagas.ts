import { DeviceUnreachableError, type FabricDriver } from '@loom/fabric';
import { defineSaga, type AnySagaDefinition, type SagaStep, type StepContext } from '@loom/sagas';
import { leafVlansDecider, type LeafVlansState } from '../pools/leaf-vlans.decider';
import type { AggregateStore } from '@loom/intents';
import { streams } from '../shared/streams';
import { DeviceOperationError, runDeviceOperation } from './device-operations';
import { otherPortsOfSubnetOnInterface, otherPortsOfVpcOnLeaf } from './leaf-intent';
import { deprovisionPortSaga, provisionPortSaga } from './port-fabric.saga-types';
import { anycastGatewayMac, type PortFabricInput } from './provisioning.input';

export interface PortFabricSagaDependencies {
  readonly driver: FabricDriver;
  readonly aggregates: AggregateStore;
  /** How long one device operation may take before the step counts as timed out. */
  readonly deviceTimeoutMs: number;
}

type Context = StepContext<PortFabricInput>;

/** The leaf could not be reached at all: nothing was applied, and an undo could not run either. */
export function leafUnreachable(error: unknown): boolean {
  return (
    error instanceof DeviceUnreachableError ||
    (error instanceof DeviceOperationError && error.reason === 'unreachable')
  );
}

/**
 * Every port saga step parks, out of attempts, when its leaf was unreachable (docs/sagas.md,
 * "When a port saga parks"): the leaf's undo would fail the same way, and once it is back an
 * operator's retry carries on where the saga stopped. A refusal or a time-out is undone as before.
 */
const parksWhenLeafUnreachable = {
  onExhausted: 'park',
  parkWhen: leafUnreachable,
} as const satisfies Pick<SagaStep<PortFabricInput>, 'onExhausted' | 'parkWhen'>;

/**
 * A port's fabric work on its leaf, like a fabric controller's attach: the VPC's VRF with BGP EVPN
 * where the VPC is new on the leaf, then the port's VLAN on its interface bound to the subnet's
 * L2 VNI with the anycast gateway. Undoing a step removes shared configuration only when no other
 * port of the intent still needs it on that leaf.
 */
export function portFabricSagas(dependencies: PortFabricSagaDependencies): AnySagaDefinition[] {
  const { driver, aggregates, deviceTimeoutMs } = dependencies;
  const stepTimeoutMs = deviceTimeoutMs + 1_000;
  const run = (context: Context, operation: Parameters<typeof runDeviceOperation>[2]) =>
    runDeviceOperation(
      driver,
      context.input.leaf,
      operation,
      context.idempotencyKey,
      deviceTimeoutMs,
    );
  const leafIntent = async (context: Context): Promise<LeafVlansState> =>
    (await aggregates.load(streams.leafVlans(context.input.leaf), leafVlansDecider)).state;
  const vpcStillNeeded = async (context: Context): Promise<boolean> =>
    otherPortsOfVpcOnLeaf(await leafIntent(context), context.input.vpc.name, context.input.port)
      .length > 0;
  const bindingStillNeeded = async (context: Context): Promise<boolean> =>
    otherPortsOfSubnetOnInterface(
      await leafIntent(context),
      {
        subnet: context.input.subnet.name,
        interface: context.input.binding.interface,
        vlan: context.input.binding.vlan,
      },
      context.input.port,
    ).length > 0;

  const createVrf = (context: Context) => {
    const { routing } = context.input.vpc;
    return run(context, {
      kind: 'createVrf',
      vrf: routing.vrfName,
      l3Vni: routing.l3Vni,
      rd: routing.routeDistinguisher,
      importRts: routing.importRouteTargets,
      exportRts: routing.exportRouteTargets,
    });
  };
  /**
   * The VRF (and its BGP EVPN) stays while a port of the VPC needs it in the intent, or while the
   * leaf still binds other ports in it: ports deleted in the intent whose deprovisioning is queued
   * behind this saga on the leaf. The last of those removes it.
   */
  const vrfMustStay = async (context: Context): Promise<boolean> => {
    if (await vpcStillNeeded(context)) return true;
    const { vrfName } = context.input.vpc.routing;
    const device = await driver.readState(context.input.leaf);
    // A service IP of the VPC on a border leaf holds the VRF as well (service-ip-fabric.sagas.ts).
    return (
      device.l2Vnis.some((l2Vni) => l2Vni.vrf === vrfName) ||
      (device.service?.links.some((link) => link.vrf === vrfName) ?? false)
    );
  };
  const deleteVrf = async (context: Context) => {
    if (await vrfMustStay(context)) return;
    await run(context, { kind: 'deleteVrf', vrf: context.input.vpc.routing.vrfName });
  };
  const configureBgp = (context: Context) =>
    run(context, { kind: 'configureBgpEvpn', vrf: context.input.vpc.routing.vrfName });
  const removeBgp = async (context: Context) => {
    if (await vrfMustStay(context)) return;
    await run(context, { kind: 'removeBgpEvpn', vrf: context.input.vpc.routing.vrfName });
  };
  // A bare-metal port's interface is in access mode: its VLAN untagged, nothing else on it.
  const untagged = (context: Context) => (context.input.binding.untagged ? { untagged: true } : {});
  const bindPort = (context: Context) =>
    run(context, {
      kind: 'bindL2Vni',
      l2Vni: context.input.subnet.l2Vni,
      vrf: context.input.vpc.routing.vrfName,
      vlan: context.input.binding.vlan,
      interface: context.input.binding.interface,
      anycastGateway: context.input.subnet.anycastGateway,
      gatewayMac: anycastGatewayMac,
      ...untagged(context),
    });
  const unbindPort = async (context: Context) => {
    if (await bindingStillNeeded(context)) return;
    await run(context, {
      kind: 'unbindL2Vni',
      l2Vni: context.input.subnet.l2Vni,
      vlan: context.input.binding.vlan,
      interface: context.input.binding.interface,
      ...untagged(context),
    });
  };
  const done = async <T>(work: Promise<T>): Promise<undefined> => {
    await work;
    return undefined;
  };

  const provision = defineSaga<PortFabricInput>({
    type: provisionPortSaga.type,
    steps: [
      {
        name: 'create-vrf',
        timeoutMs: stepTimeoutMs,
        ...parksWhenLeafUnreachable,
        action: (c) => done(createVrf(c)),
        compensation: deleteVrf,
      },
      {
        name: 'configure-bgp-evpn',
        timeoutMs: stepTimeoutMs,
        ...parksWhenLeafUnreachable,
        action: (c) => done(configureBgp(c)),
        compensation: removeBgp,
      },
      {
        name: 'bind-port',
        timeoutMs: stepTimeoutMs,
        ...parksWhenLeafUnreachable,
        action: (c) => done(bindPort(c)),
        compensation: unbindPort,
      },
    ],
  });
  // Deprovisioning runs after the intent let the port go, so "still needed" already excludes it.
  const deprovision = defineSaga<PortFabricInput>({
    type: deprovisionPortSaga.type,
    steps: [
      {
        name: 'unbind-port',
        timeoutMs: stepTimeoutMs,
        ...parksWhenLeafUnreachable,
        action: (c) => done(unbindPort(c)),
        compensation: (c) => done(bindPort(c)),
      },
      {
        name: 'remove-bgp-evpn',
        timeoutMs: stepTimeoutMs,
        ...parksWhenLeafUnreachable,
        action: (c) => done(removeBgp(c)),
        compensation: async (c) => {
          if (await vpcStillNeeded(c)) return;
          await configureBgp(c);
        },
      },
      {
        name: 'delete-vrf',
        timeoutMs: stepTimeoutMs,
        ...parksWhenLeafUnreachable,
        action: (c) => done(deleteVrf(c)),
        compensation: async (c) => {
          if (await vpcStillNeeded(c)) return;
          await createVrf(c);
        },
      },
    ],
  });
  return [provision, deprovision];
}
