export * from '@loom/errors';
export * from '@loom/names';
export * from './shared/streams';
export * from './shared/network-settings';
export type { RequestContext } from '@loom/intents';
export { networkEventCatalog } from './network-event-catalog';
// The deciders, for rebuilding past states from events (the audit trail); they decide nothing there.
export { tenantDecider, type TenantState } from './tenants/tenant.decider';
export { vpcDecider, type VpcState } from './vpcs/vpc.decider';
export { subnetDecider, type SubnetState } from './subnets/subnet.decider';
export { portDecider, type PortState } from './ports/port.decider';
export { operationDecider, type OperationState } from './operations/operation.decider';
export { operationProjection } from './operations/operation.projection';
export { createNetworkServices, type NetworkServices } from './network-services';
export type { Quota, QuotaResource, TenantEvent } from './tenants/tenant.events';
export type { VpcEvent, VpcRouting } from './vpcs/vpc.events';
export type { SubnetEvent } from './subnets/subnet.events';
export type { PortEvent, PortBinding, PortKind } from './ports/port.events';
export type { OperationEvent, OperationVerb } from './operations/operation.events';
export type { OperationSnapshot, RequestedOperation } from './operations/operation.service';
export type { PortBindingInput } from './ports/port.validation';
export { networkProjections } from './read-models/network-projections';
export { networkReadModelMigrations } from './read-models/migrations';
export { NetworkQueries, type Page, type ReadYourWrites } from './read-models/network-queries';
export { TenantRow } from './tenants/tenant.read-model';
export { VpcRow } from './vpcs/vpc.read-model';
export { SubnetRow } from './subnets/subnet.read-model';
export { PortRow } from './ports/port.read-model';
export { OperationRow } from './operations/operation.read-model';
export { portFabricSagas, type PortFabricSagaDependencies } from './provisioning/port-fabric.sagas';
export { deprovisionPortSaga, provisionPortSaga } from './provisioning/port-fabric.saga-types';
export { portFabricOutcomes } from './provisioning/port-fabric-outcomes';
export { checkPlacement, leafResourceKey } from './provisioning/fabric-placement';
export type { PortFabric } from './ports/port.service';
export type { PortFabricInput } from './provisioning/provisioning.input';
export { AggregateStore } from '@loom/intents';
export {
  anycastGatewayOf,
  intendedDeviceState,
  intendedFabricState,
} from './provisioning/intended-fabric';
export { convergencePlan, type ConvergencePlan } from './provisioning/convergence-plan';
export {
  fabricRepairSaga,
  repairLeafSaga,
  RepairIncompleteError,
  type RepairLeafInput,
  type RepairLeafSagaDependencies,
} from './provisioning/fabric-repair.saga';
export {
  FabricDriftService,
  fabricScope,
  type FabricDriftDependencies,
  type FabricDriftReport,
  type FabricRepair,
  type FabricRepairRequest,
} from './provisioning/fabric-drift.service';
export type { FabricRepairRequested } from './provisioning/fabric-repair.events';
export {
  externalFabricSagas,
  type ExternalFabricSagaDependencies,
} from './external/external-fabric.sagas';
export {
  applyFloatingIpSaga,
  clearExternalGatewaySaga,
  setExternalGatewaySaga,
} from './external/external-fabric.saga-types';
export { externalFabricOutcomes } from './external/external-fabric-outcomes';
export {
  externalNetworkName,
  externalGatewayName,
  floatingIpName,
} from './external/external-names';
export {
  externalNetworkDecider,
  type ExternalNetworkState,
} from './external/external-network.decider';
export {
  externalGatewayDecider,
  type ExternalGatewayState,
} from './external/external-gateway.decider';
export { floatingIpDecider, type FloatingIpState } from './external/floating-ip.decider';
export type { UpstreamPeer } from './external/external-network.events';
export type {
  ExternalGatewayFabricInput,
  FloatingIpFabricInput,
} from './external/external-fabric.input';
export {
  qosPolicyDecider,
  type QosPolicyState,
  type QosPolicyStatus,
} from './qos/qos-policy.decider';
export type {
  QosAttachment,
  QosLimit,
  QosLimits,
  QosPlacement,
  QosPolicyEvent,
} from './qos/qos-policy.events';
export { qosPolicyName, parseQosPolicyName } from './qos/qos-names';
export { QosPolicyRow } from './qos/qos-policy.read-model';
export { qosFabricSagas, type QosFabricSagaDependencies } from './qos/qos-fabric.sagas';
export { applyQosPolicySaga } from './qos/qos-fabric.saga-types';
export { qosFabricOutcomes } from './qos/qos-fabric-outcomes';
export type { QosLimitInput } from './qos/qos-limits';
export {
  serviceIpFabricSagas,
  type ServiceIpFabricSagaDependencies,
} from './service-ips/service-ip-fabric.sagas';
export { clearServiceIpSaga, setServiceIpSaga } from './service-ips/service-ip-fabric.saga-types';
export { serviceIpFabricOutcomes } from './service-ips/service-ip-fabric-outcomes';
export { serviceIpDecider, type ServiceIpState } from './service-ips/service-ip.decider';
export { serviceIpName } from './service-ips/service-ip-names';
export { serviceNodeOf } from './service-ips/service-ip.service';
export type { ServiceIpFabricInput } from './service-ips/service-ip-fabric.input';
