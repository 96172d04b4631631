export * from './errors';
export {
  deviceRoles,
  tenantRoles,
  carriesTenants,
  defaultCapacity,
  findDevice,
  type DeviceRole,
  type DeviceCapacity,
  type FabricDevice,
  type FabricTopology,
} from './topology/topology';
export { defaultTopology } from './topology/default-topology';
export {
  validateTopology,
  parseTopology,
  type TopologyValidation,
} from './topology/topology-validation';
export { loadTopology, loadTopologyFile } from './topology/topology-loader';
export {
  operationKinds,
  leafOperationKinds,
  type FabricOperation,
  type LeafOperation,
  type OperationKind,
  type OperationId,
  type CreateVrf,
  type DeleteVrf,
  type ConfigureBgpEvpn,
  type RemoveBgpEvpn,
  type BindL2Vni,
  type UnbindL2Vni,
  type AnnouncePrefix,
  type WithdrawPrefix,
} from './operations/fabric-operation';
export {
  gatewayOperationKinds,
  isGatewayOperation,
  type GatewayOperation,
  type GatewayOperationKind,
  type AddTransferLink,
  type RemoveTransferLink,
  type AddDefaultRoute,
  type RemoveDefaultRoute,
  type AddSnat,
  type RemoveSnat,
  type AddDnat,
  type RemoveDnat,
  type AnnounceUpstream,
  type WithdrawUpstream,
} from './operations/gateway-operation';
export {
  shapingOperationKinds,
  isShapingOperation,
  type ShapingOperation,
  type ShapingOperationKind,
  type ShapingLimit,
  type ShapePort,
  type UnshapePort,
  type ShapeFloatingIp,
  type UnshapeFloatingIp,
} from './operations/shaping-operation';
export {
  serviceOperationKinds,
  isServiceOperation,
  type ServiceOperation,
  type AddServiceLink,
  type RemoveServiceLink,
  type AddServiceRoute,
  type RemoveServiceRoute,
  type AddServiceNat,
  type RemoveServiceNat,
} from './operations/service-operation';
export type { FailureReason, OperationOutcome } from './operations/operation-outcome';
export type { FabricDriver } from './operations/fabric-driver';
export { inverseOf } from './operations/inverse-operation';
export { operationIdempotencyKey } from './operations/operation-key';
export {
  emptyDeviceState,
  emptyFabricState,
  emptyGatewayState,
  emptyShapingState,
  emptyServiceState,
  serviceStateOf,
  gatewayStateOf,
  sameShapingLimit,
  shapingStateOf,
  normalizeDeviceState,
  normalizeFabricState,
  type AnnouncedPrefix,
  type DeviceState,
  type FabricState,
  type GatewayState,
  type TransferLinkState,
  type DefaultRouteState,
  type SnatRuleState,
  type DnatRuleState,
  type ShapingState,
  type PortShapingState,
  type FloatingIpShapingState,
  type ServiceState,
  type ServiceLinkState,
  type ServiceRouteState,
  type ServiceNatState,
  type L2VniState,
  type VrfState,
} from './state/fabric-state';
export { applyOperation, type DeviceResult } from './state/device-model';
export {
  diffFabric,
  type FabricDifference,
  type FabricItem,
  type FieldDifference,
  type FieldValue,
} from './drift/diff-fabric';
export {
  SimulatedFabric,
  type OperationLogEntry,
  type SimulatedFabricOptions,
} from './simulated/simulated-fabric';
export { openFileBackedFabric, type FileBackedFabricOptions } from './simulated/file-backed-fabric';
export type { FaultEffect, FaultSpec } from './simulated/faults';
export type { FabricCounters, LatencySettings, OperationCount } from './simulated/simulated-world';
export * from './frr-lab';
