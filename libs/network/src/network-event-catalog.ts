import { isErrorKind } from '@loom/errors';
import { EventCatalog, type Upcaster } from '@loom/intents';

/**
 * Failure events of version 1 carried a free `code` string; version 2 carries a typed `kind`. Only
 * error kinds were ever written as codes, so one that is no kind reads as `internal`.
 */
const codeToErrorKind: Upcaster = ({ code, ...data }) => ({
  ...data,
  kind: isErrorKind(code) ? code : 'internal',
});

/** Every event type the network features store, at its current schema version. */
export const networkEventCatalog = new EventCatalog({
  TenantCreated: { current: 1 },
  TenantUpdated: { current: 1 },
  TenantDeleted: { current: 1 },
  TenantQuotaClaimed: { current: 1 },
  TenantQuotaReleased: { current: 1 },
  VpcNameReserved: { current: 1 },
  VpcNameReleased: { current: 1 },
  VpcCreated: { current: 1 },
  VpcUpdated: { current: 1 },
  VpcDeleted: { current: 1 },
  VpcSubnetCidrReserved: { current: 1 },
  VpcSubnetCidrReleased: { current: 1 },
  SubnetCreated: { current: 1 },
  SubnetUpdated: { current: 1 },
  SubnetDeleted: { current: 1 },
  SubnetAddressAllocated: { current: 1 },
  SubnetAddressReleased: { current: 1 },
  PortCreated: { current: 1 },
  PortUpdated: { current: 1 },
  PortActivated: { current: 1 },
  PortFailed: { current: 1 },
  PortDeleted: { current: 1 },
  OperationStarted: { current: 1 },
  OperationSucceeded: { current: 1 },
  OperationFailed: { current: 2, upcasters: { 1: codeToErrorKind } },
  RequestAccepted: { current: 1 },
  RequestSucceeded: { current: 1 },
  RequestFailed: { current: 2, upcasters: { 1: codeToErrorKind } },
  FabricWorkRequested: { current: 1 },
  VniAllocated: { current: 1 },
  VniReleased: { current: 1 },
  LeafVlanBound: { current: 1 },
  LeafVlanUnbound: { current: 1 },
});
