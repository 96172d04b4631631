/** What a stream is about, for the audit trail. */
export type AuditedKind =
  | 'tenant'
  | 'vpc'
  | 'subnet'
  | 'port'
  | 'operation'
  | 'external-network'
  | 'external-gateway'
  | 'floating-ip'
  | 'saga'
  | 'request'
  | 'fabric-repair'
  | 'audit'
  | 'other';

export interface AuditedStream {
  readonly kind: AuditedKind;
  /** The tenant it belongs to, when it belongs to one. */
  readonly tenant?: string;
  /** The resource's name (`tenants/acme/vpcs/blue`), or the stream's own name for the rest. */
  readonly resource: string;
}

/** The kinds whose state the audit rebuilds: a tenant's network, and the external networks. */
export const resourceKinds = [
  'tenant',
  'vpc',
  'subnet',
  'port',
  'operation',
  'external-network',
  'external-gateway',
  'floating-ip',
] as const;
export type ResourceKind = (typeof resourceKinds)[number];

export function isResourceKind(kind: AuditedKind): kind is ResourceKind {
  return (resourceKinds as readonly string[]).includes(kind);
}

/**
 * Network stream kinds by prefix: how many ids follow the prefix (the tenant's first) and how the
 * resource name is made of them.
 */
const streamKinds: readonly [
  prefix: string,
  kind: AuditedKind,
  ids: number,
  name: (id: (index: number) => string) => string,
][] = [
  ['tenant-', 'tenant', 1, (id) => `tenants/${id(0)}`],
  ['vpc-', 'vpc', 2, (id) => `tenants/${id(0)}/vpcs/${id(1)}`],
  ['subnet-', 'subnet', 3, (id) => `tenants/${id(0)}/vpcs/${id(1)}/subnets/${id(2)}`],
  ['port-', 'port', 4, (id) => `tenants/${id(0)}/vpcs/${id(1)}/subnets/${id(2)}/ports/${id(3)}`],
  ['operation-', 'operation', 2, (id) => `tenants/${id(0)}/operations/${id(1)}`],
  ['request-', 'request', 2, (id) => `tenants/${id(0)}/requests/${id(1)}`],
  [
    'external-gateway-',
    'external-gateway',
    2,
    (id) => `tenants/${id(0)}/vpcs/${id(1)}/externalGateway`,
  ],
  ['floating-ip-', 'floating-ip', 2, (id) => `tenants/${id(0)}/floatingIps/${id(1)}`],
];

/** Streams of no tenant, one id after the prefix. */
const globalKinds: readonly [prefix: string, kind: AuditedKind, collection: string][] = [
  ['external-network-', 'external-network', 'externalNetworks'],
  ['fabric-repair-', 'fabric-repair', 'fabric/repairs'],
];

/** The stream names of `libs/network` (`vpc-acme/blue`...) as resource names. */
export function auditedStream(stream: string): AuditedStream {
  for (const [prefix, kind, count, name] of streamKinds) {
    if (!stream.startsWith(prefix)) continue;
    const ids = stream.slice(prefix.length).split('/');
    if (ids.length !== count || ids.includes('')) continue;
    return { kind, tenant: ids[0] ?? '', resource: name((index) => ids[index] ?? '') };
  }
  for (const [prefix, kind, collection] of globalKinds) {
    const id = stream.slice(prefix.length);
    if (stream.startsWith(prefix) && id !== '' && !id.includes('/')) {
      return { kind, resource: `${collection}/${id}` };
    }
  }
  if (stream.startsWith('saga-')) return { kind: 'saga', resource: `sagas/${stream.slice(5)}` };
  if (stream.startsWith('audit-')) return { kind: 'audit', resource: stream };
  return { kind: 'other', resource: stream };
}

/** The stream of a resource name, the inverse of `auditedStream` for the resource kinds. */
export function streamOfResource(name: string): { kind: ResourceKind; stream: string } | undefined {
  const external = /^externalNetworks\/([^/]+)$/.exec(name);
  if (external?.[1]) return { kind: 'external-network', stream: `external-network-${external[1]}` };
  const [root, tenant, ...rest] = name.split('/');
  if (root !== 'tenants' || tenant === undefined || tenant === '') return undefined;
  const gateway = /^vpcs\/([^/]+)\/externalGateway$/.exec(rest.join('/'));
  if (gateway?.[1]) {
    return { kind: 'external-gateway', stream: `external-gateway-${tenant}/${gateway[1]}` };
  }
  const collections = rest.filter((_, index) => index % 2 === 0).join('/');
  const ids = rest.filter((_, index) => index % 2 === 1);
  if (rest.length % 2 !== 0 || ids.includes('')) return undefined;
  const byCollections: Readonly<Record<string, [ResourceKind, string]>> = {
    '': ['tenant', 'tenant-'],
    vpcs: ['vpc', 'vpc-'],
    'vpcs/subnets': ['subnet', 'subnet-'],
    'vpcs/subnets/ports': ['port', 'port-'],
    operations: ['operation', 'operation-'],
    floatingIps: ['floating-ip', 'floating-ip-'],
  };
  const found = byCollections[collections];
  if (found === undefined) return undefined;
  return { kind: found[0], stream: `${found[1]}${[tenant, ...ids].join('/')}` };
}

/** `role:subject` as the engine records callers; anything else is Loom itself. */
export function parseActor(actor: string | undefined): { role: string; subject: string } {
  if (actor === undefined) return { role: '', subject: '' };
  const match = /^(portal|tenant|ops|auditor):(.*)$/.exec(actor);
  if (match) return { role: match[1] ?? '', subject: match[2] ?? '' };
  return { role: 'system', subject: actor };
}
