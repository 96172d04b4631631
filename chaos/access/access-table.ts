/**
 * The expected-code table of the access matrix: every loom.v1 method, what kind of access it
 * is, the request it is called with (proto field names) for a target tenant, and what a caller
 * allowed to make it gets. A method the server reflects but this table lacks fails the matrix:
 * every new method must be classified here.
 *
 * Requests that change something are built to be refused after the access decision (an
 * existing id, a stale etag, a missing parent, an invalid field), so the whole matrix writes no
 * event: the matrix checks that too.
 */
export type CodeName =
  | 'OK'
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'RESOURCE_EXHAUSTED'
  | 'UNAUTHENTICATED';

/**
 * - read / write: a tenant's resources (a tenant token only its own; other tenants' are
 *   NOT_FOUND, as if absent, the audit's reads too); ops and auditors read only.
 * - admin-write: what only the portal decides (tenants, quotas, external networks).
 * - public-read: readable by every role, whatever the tenant (external networks, the tenant list
 *   a tenant token sees as its own tenant alone).
 * - fabric-read / fabric-repair: operators' fabric methods (portal and ops; auditors read).
 */
export type AccessKind =
  'read' | 'write' | 'admin-write' | 'public-read' | 'fabric-read' | 'fabric-repair';

export interface Target {
  /** The tenant id the request names. */
  readonly tenant: string;
  /** A done operation of that tenant (a made-up one for a tenant that does not exist). */
  readonly operation: string;
  /** A request_id that tenant used. */
  readonly requestId: string;
}

export interface AccessRow {
  readonly kind: AccessKind;
  readonly request: (target: Target) => Record<string, unknown>;
  /** What an allowed caller gets, for an existing tenant and for one that does not exist. */
  readonly allowed: { readonly exists: CodeName; readonly none: CodeName };
}

const stale = '"999"';
/** The external network the matrix's fixture creates (see access-matrix.chaos.spec.ts). */
export const externalNetwork = {
  pools: ['203.0.113.0/28'],
  gateway_nodes: ['gw1', 'gw2'],
  upstream_peers: [{ address: '198.51.100.1', asn: 64999 }],
};
const mask = { paths: ['display_name'] };
const quota = { vpcs: 1, subnets: 1, ports: 1, floating_ips: 0 };
const names = (t: Target) => {
  const vpc = `tenants/${t.tenant}/vpcs/f`;
  const subnet = `${vpc}/subnets/a`;
  return { tenant: `tenants/${t.tenant}`, vpc, subnet, port: `${subnet}/ports/p` };
};
const qos = (t: Target) => `tenants/${t.tenant}/qosPolicies/q`;
const row = (
  kind: AccessKind,
  request: AccessRow['request'],
  exists: CodeName,
  none: CodeName = 'NOT_FOUND',
): AccessRow => ({ kind, request, allowed: { exists, none } });

export const accessTable: Readonly<Record<string, AccessRow>> = {
  'loom.v1.TenantService/CreateTenant': row(
    'admin-write',
    (t) => ({
      tenant_id: t.tenant,
      tenant: { quota: t.tenant === 'ghost' ? { vpcs: -1 } : quota },
    }),
    'ALREADY_EXISTS',
    'INVALID_ARGUMENT',
  ),
  'loom.v1.TenantService/GetTenant': row('read', (t) => ({ name: names(t).tenant }), 'OK'),
  'loom.v1.TenantService/ListTenants': row('public-read', () => ({}), 'OK', 'OK'),
  'loom.v1.TenantService/UpdateTenant': row(
    'write',
    (t) => ({ tenant: { name: names(t).tenant, etag: stale }, update_mask: mask }),
    'ABORTED',
  ),
  'loom.v1.TenantService/DeleteTenant': row(
    'admin-write',
    (t) => ({ name: names(t).tenant, etag: stale }),
    'ABORTED',
  ),
  'loom.v1.VpcService/CreateVpc': row(
    'write',
    (t) => ({ parent: names(t).tenant, vpc_id: 'f', vpc: { cidr_blocks: ['10.9.0.0/16'] } }),
    'ALREADY_EXISTS',
  ),
  'loom.v1.VpcService/GetVpc': row('read', (t) => ({ name: names(t).vpc }), 'OK'),
  'loom.v1.VpcService/ListVpcs': row('read', (t) => ({ parent: names(t).tenant }), 'OK'),
  'loom.v1.VpcService/UpdateVpc': row(
    'write',
    (t) => ({ vpc: { name: names(t).vpc, etag: stale }, update_mask: mask }),
    'ABORTED',
  ),
  'loom.v1.VpcService/DeleteVpc': row(
    'write',
    (t) => ({ name: names(t).vpc, etag: stale }),
    'ABORTED',
  ),
  'loom.v1.SubnetService/CreateSubnet': row(
    'write',
    (t) => ({ parent: names(t).vpc, subnet_id: 'a', subnet: { cidr: '10.0.9.0/24' } }),
    'ALREADY_EXISTS',
  ),
  'loom.v1.SubnetService/GetSubnet': row('read', (t) => ({ name: names(t).subnet }), 'OK'),
  'loom.v1.SubnetService/ListSubnets': row('read', (t) => ({ parent: names(t).vpc }), 'OK'),
  'loom.v1.SubnetService/UpdateSubnet': row(
    'write',
    (t) => ({ subnet: { name: names(t).subnet, etag: stale }, update_mask: mask }),
    'ABORTED',
  ),
  'loom.v1.SubnetService/DeleteSubnet': row(
    'write',
    (t) => ({ name: names(t).subnet, etag: stale }),
    'ABORTED',
  ),
  'loom.v1.PortService/CreatePort': row(
    'write',
    (t) => ({ parent: names(t).subnet, port_id: 'p', port: { kind: 'VIRTUAL_MACHINE' } }),
    'ALREADY_EXISTS',
  ),
  'loom.v1.PortService/GetPort': row('read', (t) => ({ name: names(t).port }), 'OK'),
  'loom.v1.PortService/ListPorts': row('read', (t) => ({ parent: names(t).subnet }), 'OK'),
  'loom.v1.PortService/UpdatePort': row(
    'write',
    (t) => ({ port: { name: names(t).port, etag: stale }, update_mask: mask }),
    'ABORTED',
  ),
  'loom.v1.PortService/DeletePort': row(
    'write',
    (t) => ({ name: names(t).port, etag: stale }),
    'ABORTED',
  ),
  'loom.v1.OperationService/GetOperation': row('read', (t) => ({ name: t.operation }), 'OK'),
  'loom.v1.OperationService/ListOperations': row(
    'read',
    (t) => ({ parent: names(t).tenant }),
    'OK',
  ),
  'loom.v1.OperationService/WaitOperation': row(
    'read',
    (t) => ({ name: t.operation, timeout: { seconds: 1 } }),
    'OK',
  ),
  'loom.v1.WatchService/Watch': row('read', (t) => ({ parent: names(t).tenant }), 'OK'),
  'loom.v1.FabricService/GetFabricDrift': row('fabric-read', () => ({}), 'OK', 'OK'),
  'loom.v1.FabricService/RepairFabricDrift': row(
    'fabric-repair',
    () => ({ reason: '' }),
    'INVALID_ARGUMENT',
    'INVALID_ARGUMENT',
  ),
  'loom.v1.AuditService/ListChanges': row('read', (t) => ({ tenant: t.tenant }), 'OK', 'OK'),
  // The state of a tenant that never existed is empty, not an error: the log has no such tenant.
  'loom.v1.AuditService/GetStateAt': row('read', (t) => ({ name: names(t).tenant }), 'OK', 'OK'),
  'loom.v1.AuditService/DiffStates': row(
    'read',
    (t) => ({ name: names(t).tenant, from: { position: 1 }, to: { position: 2 } }),
    'OK',
    'OK',
  ),
  'loom.v1.AuditService/TraceCall': row(
    'read',
    (t) => ({ operation: t.operation, tenant: t.tenant }),
    'OK',
  ),
  'loom.v1.AuditService/ExportEvents': row('read', (t) => ({ tenant: t.tenant }), 'OK', 'OK'),
  'loom.v1.ExternalNetworkService/CreateExternalNetwork': row(
    'admin-write',
    () => ({ external_network_id: 'ext', external_network: externalNetwork }),
    'ALREADY_EXISTS',
    'ALREADY_EXISTS',
  ),
  'loom.v1.ExternalNetworkService/GetExternalNetwork': row(
    'public-read',
    () => ({ name: 'externalNetworks/ext' }),
    'OK',
    'OK',
  ),
  'loom.v1.ExternalNetworkService/ListExternalNetworks': row('public-read', () => ({}), 'OK', 'OK'),
  'loom.v1.ExternalNetworkService/UpdateExternalNetwork': row(
    'admin-write',
    () => ({ external_network: { name: 'externalNetworks/ext', etag: stale }, update_mask: mask }),
    'ABORTED',
    'ABORTED',
  ),
  'loom.v1.ExternalNetworkService/DeleteExternalNetwork': row(
    'admin-write',
    () => ({ name: 'externalNetworks/ext', etag: stale }),
    'ABORTED',
    'ABORTED',
  ),
  'loom.v1.ExternalGatewayService/CreateExternalGateway': row(
    'write',
    (t) => ({
      parent: names(t).vpc,
      external_gateway: { external_network: 'externalNetworks/nope' },
    }),
    'NOT_FOUND',
  ),
  'loom.v1.ExternalGatewayService/GetExternalGateway': row(
    'read',
    (t) => ({ name: `${names(t).vpc}/externalGateway` }),
    'NOT_FOUND',
  ),
  'loom.v1.ExternalGatewayService/ListExternalGateways': row(
    'read',
    (t) => ({ parent: names(t).tenant }),
    'OK',
  ),
  'loom.v1.ExternalGatewayService/DeleteExternalGateway': row(
    'write',
    (t) => ({ name: `${names(t).vpc}/externalGateway`, etag: stale }),
    'NOT_FOUND',
  ),
  'loom.v1.FloatingIpService/CreateFloatingIp': row(
    'write',
    (t) => ({
      parent: names(t).tenant,
      floating_ip_id: 'f',
      floating_ip: { external_network: 'externalNetworks/ext' },
    }),
    // The fixtures' tenants have no floating IP quota: refused after the access decision.
    'RESOURCE_EXHAUSTED',
  ),
  'loom.v1.FloatingIpService/GetFloatingIp': row(
    'read',
    (t) => ({ name: `${names(t).tenant}/floatingIps/f` }),
    'NOT_FOUND',
  ),
  'loom.v1.FloatingIpService/ListFloatingIps': row(
    'read',
    (t) => ({ parent: names(t).tenant }),
    'OK',
  ),
  'loom.v1.FloatingIpService/UpdateFloatingIp': row(
    'write',
    (t) => ({
      floating_ip: { name: `${names(t).tenant}/floatingIps/f` },
      update_mask: { paths: ['port'] },
    }),
    'NOT_FOUND',
  ),
  'loom.v1.FloatingIpService/DeleteFloatingIp': row(
    'write',
    (t) => ({ name: `${names(t).tenant}/floatingIps/f`, etag: stale }),
    'NOT_FOUND',
  ),
  // QoS policies (issue 12's helper): a tenant's resources; the matrix's policy `q` does not
  // exist, so an allowed caller's Get, Update, Delete, Attach and Detach are NOT_FOUND.
  'loom.v1.QosPolicyService/CreateQosPolicy': row(
    'write',
    (t) => ({ parent: names(t).tenant, qos_policy_id: 'q', qos_policy: {} }),
    'INVALID_ARGUMENT',
    'INVALID_ARGUMENT',
  ),
  'loom.v1.QosPolicyService/GetQosPolicy': row('read', (t) => ({ name: qos(t) }), 'NOT_FOUND'),
  'loom.v1.QosPolicyService/ListQosPolicies': row(
    'read',
    (t) => ({ parent: names(t).tenant }),
    'OK',
  ),
  'loom.v1.QosPolicyService/UpdateQosPolicy': row(
    'write',
    (t) => ({ qos_policy: { name: qos(t), display_name: 'x' }, update_mask: mask }),
    'NOT_FOUND',
  ),
  'loom.v1.QosPolicyService/DeleteQosPolicy': row(
    'write',
    (t) => ({ name: qos(t), etag: stale }),
    'NOT_FOUND',
  ),
  'loom.v1.QosPolicyService/AttachQosPolicy': row(
    'write',
    (t) => ({ name: qos(t), resource: names(t).port }),
    'NOT_FOUND',
  ),
  'loom.v1.QosPolicyService/DetachQosPolicy': row(
    'write',
    (t) => ({ name: qos(t), resource: names(t).port }),
    'NOT_FOUND',
  ),
  // Service IPs (issue 12): a VPC's singleton; created without prefixes (refused after the
  // access decision), and none exists, so Get and Delete are NOT_FOUND.
  'loom.v1.ServiceIpService/CreateServiceIp': row(
    'write',
    (t) => ({ parent: names(t).vpc, service_ip: { prefixes: [] } }),
    'INVALID_ARGUMENT',
    'INVALID_ARGUMENT',
  ),
  'loom.v1.ServiceIpService/GetServiceIp': row(
    'read',
    (t) => ({ name: `${names(t).vpc}/serviceIp` }),
    'NOT_FOUND',
  ),
  'loom.v1.ServiceIpService/ListServiceIps': row(
    'read',
    (t) => ({ parent: names(t).tenant }),
    'OK',
  ),
  'loom.v1.ServiceIpService/DeleteServiceIp': row(
    'write',
    (t) => ({ name: `${names(t).vpc}/serviceIp`, etag: stale }),
    'NOT_FOUND',
  ),
};
