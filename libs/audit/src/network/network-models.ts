import type { JsonObject, JsonValue } from '@loom/event-store';
import type { Decider, DomainEvent } from '@loom/intents';
import {
  externalGatewayDecider,
  externalNetworkDecider,
  externalNetworkName,
  floatingIpDecider,
  networkEventCatalog,
  operationDecider,
  portDecider,
  subnetDecider,
  tenantDecider,
  vpcDecider,
  type ExternalGatewayState,
  type ExternalNetworkState,
  type FloatingIpState,
  type OperationState,
  type PortState,
  type SubnetState,
  type TenantState,
  type VpcState,
} from '@loom/network';
import type { ResourceModels } from '../model/network-replay';
import type { ModelEvent, ResourceModel } from '../model/resource-model';

/**
 * The network's resources as the audit rebuilds them: each decider's own evolve over upcast
 * events; the view names fields as the API does (camelCase, as the generated messages).
 */
function model<State>(
  decider: Decider<never, DomainEvent, State>,
  typePrefix: string,
  view: (state: State) => JsonObject | undefined,
): ResourceModel {
  const knows = (type: string): boolean => {
    if (!type.startsWith(typePrefix)) return false;
    try {
      networkEventCatalog.versionOf(type);
      return true;
    } catch {
      return false;
    }
  };
  return {
    initialState: () => decider.initialState(),
    evolve: (state, event) => decider.evolve(state as State, event),
    view: (state) => view(state as State),
    knows,
    upcast: (type, version, data): ModelEvent => networkEventCatalog.upcast(type, version, data),
  };
}

const json = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value ?? null)) as JsonValue;

const tenantView = (state: TenantState): JsonObject | undefined => {
  if (state.status !== 'Active') return undefined;
  const usage: JsonObject = {};
  for (const [resource, owners] of Object.entries(state.claims)) usage[resource] = owners.size;
  return { displayName: state.displayName, quota: json(state.quota), usage };
};

const vpcView = (state: VpcState): JsonObject | undefined =>
  state.status !== 'Active'
    ? undefined
    : {
        displayName: state.displayName,
        cidrBlocks: [...state.cidrBlocks],
        l3Vni: state.routing.l3Vni,
        vrfName: state.routing.vrfName,
        routeDistinguisher: state.routing.routeDistinguisher,
        importRouteTargets: [...state.routing.importRouteTargets],
        exportRouteTargets: [...state.routing.exportRouteTargets],
      };

const subnetView = (state: SubnetState): JsonObject | undefined =>
  state.status !== 'Active'
    ? undefined
    : {
        displayName: state.displayName,
        cidr: state.cidr,
        gatewayIp: state.gatewayIp,
        l2Vni: state.l2Vni,
      };

const portView = (state: PortState): JsonObject | undefined =>
  state.status !== 'Active'
    ? undefined
    : {
        displayName: state.displayName,
        kind: state.kind,
        fixedIp: state.fixedIp,
        macAddress: state.macAddress,
        status: state.portStatus,
        binding: json(state.binding),
      };

const operationView = (state: OperationState): JsonObject | undefined =>
  state.status === 'Absent'
    ? undefined
    : { verb: state.verb, target: state.target, status: state.status.toUpperCase() };

/** As a tenant sees it (GetExternalNetwork without internals): its name and public pools. */
const externalNetworkView = (state: ExternalNetworkState): JsonObject | undefined =>
  state.status !== 'Active'
    ? undefined
    : { displayName: state.displayName, pools: [...state.pools] };

const externalGatewayView = (state: ExternalGatewayState): JsonObject | undefined =>
  state.status !== 'Active'
    ? undefined
    : {
        externalNetwork: externalNetworkName(state.externalNetworkId),
        transferBlock: state.transferBlock,
        vrfAddress: state.vrfAddress,
        gatewayAddress: state.gatewayAddress,
        snatAddress: state.snatAddress,
        status: state.gatewayStatus,
        statusReason: state.statusReason,
        floatingIps: [...state.floatingIps.keys()].sort(),
      };

const floatingIpView = (state: FloatingIpState): JsonObject | undefined =>
  state.status !== 'Active'
    ? undefined
    : {
        displayName: state.displayName,
        externalNetwork: externalNetworkName(state.externalNetworkId),
        address: state.address,
        port: state.association?.port ?? '',
        fixedIp: state.association?.fixedIp ?? '',
        status: state.floatingIpStatus,
        statusReason: state.statusReason,
      };

export const networkResourceModels: ResourceModels = {
  tenant: model(tenantDecider as Decider<never, DomainEvent, TenantState>, 'Tenant', tenantView),
  vpc: model(vpcDecider as Decider<never, DomainEvent, VpcState>, 'Vpc', vpcView),
  subnet: model(subnetDecider as Decider<never, DomainEvent, SubnetState>, 'Subnet', subnetView),
  port: model(portDecider as Decider<never, DomainEvent, PortState>, 'Port', portView),
  operation: model(
    operationDecider as Decider<never, DomainEvent, OperationState>,
    'Operation',
    operationView,
  ),
  'external-network': model(
    externalNetworkDecider as Decider<never, DomainEvent, ExternalNetworkState>,
    'ExternalNetwork',
    externalNetworkView,
  ),
  'external-gateway': model(
    externalGatewayDecider as Decider<never, DomainEvent, ExternalGatewayState>,
    'ExternalGateway',
    externalGatewayView,
  ),
  'floating-ip': model(
    floatingIpDecider as Decider<never, DomainEvent, FloatingIpState>,
    'FloatingIp',
    floatingIpView,
  ),
};
