/** What a stream is about, for the audit trail. */
export type AuditedKind =
  'tenant' | 'vpc' | 'subnet' | 'port' | 'operation' | 'saga' | 'request' | 'audit' | 'other';

export interface AuditedStream {
  readonly kind: AuditedKind;
  /** The tenant it belongs to, when it belongs to one. */
  readonly tenant?: string;
  /** The resource's name (`tenants/acme/vpcs/blue`), or the stream's own name for the rest. */
  readonly resource: string;
}

/** The kinds whose state the audit rebuilds: a tenant's network. */
export const resourceKinds = ['tenant', 'vpc', 'subnet', 'port', 'operation'] as const;
export type ResourceKind = (typeof resourceKinds)[number];

export function isResourceKind(kind: AuditedKind): kind is ResourceKind {
  return (resourceKinds as readonly string[]).includes(kind);
}

/** Network stream kinds by prefix, and the collection names of their resource names. */
const streamKinds: readonly [prefix: string, kind: AuditedKind, collections: readonly string[]][] =
  [
    ['tenant-', 'tenant', []],
    ['vpc-', 'vpc', ['vpcs']],
    ['subnet-', 'subnet', ['vpcs', 'subnets']],
    ['port-', 'port', ['vpcs', 'subnets', 'ports']],
    ['operation-', 'operation', ['operations']],
    ['request-', 'request', ['requests']],
  ];

/** The stream names of `libs/network` (`vpc-acme/blue`...) as resource names. */
export function auditedStream(stream: string): AuditedStream {
  for (const [prefix, kind, collections] of streamKinds) {
    if (!stream.startsWith(prefix)) continue;
    const [tenant = '', ...ids] = stream.slice(prefix.length).split('/');
    if (tenant === '' || ids.length !== collections.length || ids.includes('')) continue;
    const path = collections.map((collection, index) => `/${collection}/${ids[index] ?? ''}`);
    return { kind, tenant, resource: `tenants/${tenant}${path.join('')}` };
  }
  if (stream.startsWith('saga-')) return { kind: 'saga', resource: `sagas/${stream.slice(5)}` };
  if (stream.startsWith('audit-')) return { kind: 'audit', resource: stream };
  return { kind: 'other', resource: stream };
}

/** The stream of a resource name, the inverse of `auditedStream` for the resource kinds. */
export function streamOfResource(name: string): { kind: ResourceKind; stream: string } | undefined {
  const [root, tenant, ...rest] = name.split('/');
  if (root !== 'tenants' || tenant === undefined || tenant === '') return undefined;
  const collections = rest.filter((_, index) => index % 2 === 0);
  const ids = rest.filter((_, index) => index % 2 === 1);
  if (rest.length % 2 !== 0 || ids.includes('')) return undefined;
  for (const [prefix, kind, expected] of streamKinds) {
    if (!isResourceKind(kind) || expected.join('/') !== collections.join('/')) continue;
    return { kind, stream: `${prefix}${[tenant, ...ids].join('/')}` };
  }
  return undefined;
}

/** `role:subject` as the engine records callers; anything else is Loom itself. */
export function parseActor(actor: string | undefined): { role: string; subject: string } {
  if (actor === undefined) return { role: '', subject: '' };
  const match = /^(portal|tenant|ops|auditor):(.*)$/.exec(actor);
  if (match) return { role: match[1] ?? '', subject: match[2] ?? '' };
  return { role: 'system', subject: actor };
}
