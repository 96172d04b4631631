import type { EventMetadataInput } from '@loom/event-store';
import { vniOf, vniPoolDecider, type VniRange } from '../pools/vni-pool.decider';
import { tenantDecider } from '../tenants/tenant.decider';
import type { QuotaResource } from '../tenants/tenant.events';
import type { IntentTransaction } from '@loom/intents';
import { streams } from './streams';

type VniPool = { readonly stream: string; readonly name: string; readonly range: VniRange };

/**
 * The claims a create makes on shared streams, owned by its operation, each with the release
 * that gives back exactly what it took if the intent fails (see IntentTransaction).
 */
export class IntentClaims {
  constructor(
    private readonly transaction: IntentTransaction,
    private readonly owner: string,
    private readonly metadata: EventMetadataInput,
  ) {}

  async tenantQuota(tenantId: string, resource: QuotaResource): Promise<void> {
    const owner = this.owner;
    await this.transaction.execute(
      streams.tenant(tenantId),
      tenantDecider,
      { type: 'ClaimQuota', tenantId, resource, owner },
      this.metadata,
      { type: 'ReleaseQuota', tenantId, resource, owner },
    );
  }

  /** What VPCs and subnets take: a unit of the tenant's quota, then a VNI of the pool. */
  async tenantQuotaAndVni(
    tenantId: string,
    resource: QuotaResource,
    pool: VniPool,
  ): Promise<number> {
    await this.tenantQuota(tenantId, resource);
    return this.vni(pool);
  }

  async vni(pool: VniPool): Promise<number> {
    const allocated = await this.transaction.execute(
      pool.stream,
      vniPoolDecider,
      { type: 'AllocateVni', pool: pool.name, range: pool.range, owner: this.owner },
      this.metadata,
      { type: 'ReleaseVni', owner: this.owner },
    );
    const vni = vniOf(allocated.state, this.owner);
    if (vni === undefined) throw new Error(`no VNI recorded in ${pool.stream} for ${this.owner}`);
    return vni;
  }
}

export async function releaseTenantQuota(
  transaction: IntentTransaction,
  tenantId: string,
  resource: QuotaResource,
  owner: string,
  metadata: EventMetadataInput,
): Promise<void> {
  await transaction.execute(
    streams.tenant(tenantId),
    tenantDecider,
    { type: 'ReleaseQuota', tenantId, resource, owner },
    metadata,
  );
}

export async function releaseVni(
  transaction: IntentTransaction,
  poolStream: string,
  owner: string,
  metadata: EventMetadataInput,
): Promise<void> {
  await transaction.execute(poolStream, vniPoolDecider, { type: 'ReleaseVni', owner }, metadata);
}
