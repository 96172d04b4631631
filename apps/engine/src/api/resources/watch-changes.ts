import { ChangeType } from '@loom/api-contract';
import {
  externalGatewayName,
  floatingIpName,
  operationName,
  portName,
  qosPolicyName,
  serviceIpName,
  subnetName,
  tenantName,
  vpcName,
} from '@loom/network';

export interface WatchedChange {
  readonly type: ChangeType;
  readonly resource:
    | 'tenant'
    | 'vpc'
    | 'subnet'
    | 'port'
    | 'operation'
    | 'external-gateway'
    | 'floating-ip'
    | 'qos-policy'
    | 'service-ip';
  readonly name: string;
  /** The projection whose read model holds the resource after the change, if it is read from one. */
  readonly projection: string | undefined;
}

const created = new Set([
  'TenantCreated',
  'VpcCreated',
  'SubnetCreated',
  'PortCreated',
  'OperationStarted',
  'ExternalGatewayCreated',
  'FloatingIpCreated',
  'QosPolicyCreated',
  'ServiceIpCreated',
  // A service IP whose clearing failed is back.
  'ServiceIpRestored',
]);
const deleted = new Set([
  'TenantDeleted',
  'VpcDeleted',
  'SubnetDeleted',
  'PortDeleted',
  'ExternalGatewayDeleted',
  'FloatingIpDeleted',
  'QosPolicyDeleted',
  'ServiceIpDeleted',
]);
const updated = new Set([
  'TenantUpdated',
  'TenantQuotaClaimed',
  'TenantQuotaReleased',
  'VpcUpdated',
  'SubnetUpdated',
  'PortUpdated',
  'PortActivated',
  'PortFailed',
  'OperationSucceeded',
  'OperationFailed',
  'ExternalGatewayActivated',
  'ExternalGatewayFailed',
  'ExternalGatewayFloatingIpAttached',
  'ExternalGatewayFloatingIpDetached',
  'FloatingIpUpdated',
  'FloatingIpAssociated',
  'FloatingIpDisassociated',
  'FloatingIpActivated',
  'FloatingIpFailed',
  'QosPolicyUpdated',
  'QosPolicyLimitsChanged',
  'QosPolicyAttached',
  'QosPolicyDetached',
  'QosPolicyActivated',
  'QosPolicyFailed',
  'ServiceIpActivated',
  'ServiceIpFailed',
]);

const streamNames = {
  'external-gateway': externalGatewayName,
  'floating-ip': floatingIpName,
  'qos-policy': qosPolicyName,
  'service-ip': serviceIpName,
} as const;

/**
 * Gateways, floating IPs, QoS policies and service IPs are read from their streams: no projection
 * to wait for.
 */
function externalChange(type: ChangeType, stream: string): WatchedChange | undefined {
  for (const [prefix, resource] of [
    ['external-gateway-', 'external-gateway'],
    ['floating-ip-', 'floating-ip'],
    ['qos-policy-', 'qos-policy'],
    ['service-ip-', 'service-ip'],
  ] as const) {
    if (!stream.startsWith(prefix)) continue;
    const [a = '', b = ''] = stream.slice(prefix.length).split('/');
    const name = streamNames[resource](a, b);
    return { type, resource, name, projection: undefined };
  }
  return undefined;
}

/**
 * What an event of a tenant's streams means to a watcher, or undefined for bookkeeping events
 * (name reservations, address and CIDR claims) that change no resource the API shows.
 */
export function changeOf(stream: string, eventType: string): WatchedChange | undefined {
  const type = created.has(eventType)
    ? ChangeType.CREATED
    : deleted.has(eventType)
      ? ChangeType.DELETED
      : updated.has(eventType)
        ? ChangeType.UPDATED
        : undefined;
  if (type === undefined) return undefined;
  const external = externalChange(type, stream);
  if (external) return external;
  const [kind = '', ...rest] = stream.split('-');
  const ids = rest.join('-').split('/');
  const [a = '', b = '', c = '', d = ''] = ids;
  switch (kind) {
    case 'tenant':
      return { type, resource: 'tenant', name: tenantName(ids.join('/')), projection: 'tenants' };
    case 'vpc':
      return { type, resource: 'vpc', name: vpcName(a, b), projection: 'vpcs' };
    case 'subnet':
      return { type, resource: 'subnet', name: subnetName(a, b, c), projection: 'subnets' };
    case 'port':
      return { type, resource: 'port', name: portName(a, b, c, d), projection: 'ports' };
    case 'operation':
      return { type, resource: 'operation', name: operationName(a, b), projection: 'operations' };
    default:
      return undefined;
  }
}
