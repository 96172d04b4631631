import type { JsonObject, JsonValue } from '@loom/event-store';
import type { Decider, DomainEvent } from '@loom/intents';
import {
  networkEventCatalog,
  operationDecider,
  portDecider,
  subnetDecider,
  tenantDecider,
  vpcDecider,
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
};
