import { ChangeType } from '@loom/api-contract';
import { operationName, portName, subnetName, tenantName, vpcName } from '@loom/network';

export interface WatchedChange {
  readonly type: ChangeType;
  readonly resource: 'tenant' | 'vpc' | 'subnet' | 'port' | 'operation';
  readonly name: string;
  /** The projection whose read model holds the resource after the change. */
  readonly projection: string;
}

const created = new Set([
  'TenantCreated',
  'VpcCreated',
  'SubnetCreated',
  'PortCreated',
  'OperationStarted',
]);
const deleted = new Set(['TenantDeleted', 'VpcDeleted', 'SubnetDeleted', 'PortDeleted']);
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
]);

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
