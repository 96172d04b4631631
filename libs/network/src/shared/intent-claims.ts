import type { EventMetadataInput } from '@loom/event-store';
import { vniOf, vniPoolDecider, type VniRange } from '../pools/vni-pool.decider';
import { tenantDecider } from '../tenants/tenant.decider';
import type { QuotaResource } from '../tenants/tenant.events';
import type { AggregateStore } from './aggregate-store';
import type { Compensations } from './compensations';
import { streams } from './streams';

type VniPool = { readonly stream: string; readonly name: string; readonly range: VniRange };

/**
 * The claims a create makes on shared streams, owned by its operation: each release is registered
 * before its claim runs, so a failure later in the intent gives back exactly what it took.
 */
export class IntentClaims {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly undo: Compensations,
    private readonly owner: string,
    private readonly metadata: EventMetadataInput,
  ) {}

  async tenantQuota(tenantId: string, resource: QuotaResource): Promise<void> {
    this.undo.register(() =>
      releaseTenantQuota(this.aggregates, tenantId, resource, this.owner, this.metadata),
    );
    await this.aggregates.execute(
      streams.tenant(tenantId),
      tenantDecider,
      { type: 'ClaimQuota', tenantId, resource, owner: this.owner },
      this.metadata,
    );
  }

  async vni(pool: VniPool): Promise<number> {
    this.undo.register(() => releaseVni(this.aggregates, pool.stream, this.owner, this.metadata));
    const allocated = await this.aggregates.execute(
      pool.stream,
      vniPoolDecider,
      { type: 'AllocateVni', pool: pool.name, range: pool.range, owner: this.owner },
      this.metadata,
    );
    const vni = vniOf(allocated.state, this.owner);
    if (vni === undefined) throw new Error(`no VNI recorded in ${pool.stream} for ${this.owner}`);
    return vni;
  }
}

export async function releaseTenantQuota(
  aggregates: AggregateStore,
  tenantId: string,
  resource: QuotaResource,
  owner: string,
  metadata: EventMetadataInput,
): Promise<void> {
  await aggregates.execute(
    streams.tenant(tenantId),
    tenantDecider,
    { type: 'ReleaseQuota', tenantId, resource, owner },
    metadata,
  );
}

export async function releaseVni(
  aggregates: AggregateStore,
  poolStream: string,
  owner: string,
  metadata: EventMetadataInput,
): Promise<void> {
  await aggregates.execute(poolStream, vniPoolDecider, { type: 'ReleaseVni', owner }, metadata);
}
