// The loom.v1 API contract: generated message types and NestJS service interfaces (see
// buf.gen.yaml), how the protos are loaded at run time, and the small codecs both sides share.
export * from './generated/loom/v1/tenant';
export * from './generated/loom/v1/vpc';
export * from './generated/loom/v1/subnet';
export * from './generated/loom/v1/port';
export * from './generated/loom/v1/operation';
export * from './generated/loom/v1/watch';
export * from './generated/loom/v1/fabric';
export * from './generated/loom/v1/audit';
export * from './generated/loom/v1/external_network';
export * from './generated/loom/v1/external_gateway';
export * from './generated/loom/v1/floating_ip';
export * from './generated/loom/v1/qos_policy';
export * from './generated/loom/v1/service_ip';
export type { Timestamp } from './generated/google/protobuf/timestamp';
export type { Duration } from './generated/google/protobuf/duration';
export type { Any } from './generated/google/protobuf/any';
export type { Status } from './generated/google/rpc/status';
export type {
  BadRequest,
  BadRequest_FieldViolation,
  ErrorInfo,
  PreconditionFailure,
  PreconditionFailure_Violation,
  QuotaFailure,
  QuotaFailure_Violation,
  ResourceInfo,
} from './generated/google/rpc/error_details';
export * from './proto-loading';
export * from './field-mask';
export * from '@loom/names';
export * from './timestamps';
export * from './status-details';
