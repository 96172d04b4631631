import type { AggregateStore } from '@loom/intents';
import { InvalidArgumentError } from '@loom/errors';
import { checkDisplayName, checkEtag, checkResourceId } from '@loom/names';
import { eventMetadata, type RequestContext } from '@loom/intents';
import { tenantName } from '@loom/names';
import { streams } from '../shared/streams';
import type { RequestService } from '@loom/intents';
import { tenantDecider } from './tenant.decider';
import type { Quota } from './tenant.events';
import { checkQuota, checkTenantFields } from './tenant.validation';

export interface CreateTenantInput {
  readonly tenantId: string;
  readonly displayName: string;
  readonly quota: Quota;
  readonly requestId: string | undefined;
}

export interface TenantChanges {
  readonly displayName?: string;
  readonly quota?: Quota;
}

/** Tenant intents: each checked, decided by the tenant decider and appended to its stream. */
export class TenantService {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly requests: RequestService,
  ) {}

  async create(input: CreateTenantInput, context: RequestContext): Promise<string> {
    const violations = [
      ...checkResourceId('tenant_id', input.tenantId),
      ...checkTenantFields(input.displayName, input.quota),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const name = tenantName(input.tenantId);
    const outcome = await this.requests.transact(
      {
        tenantId: input.tenantId,
        requestId: input.requestId,
        method: 'CreateTenant',
        fingerprint: JSON.stringify([input.displayName, input.quota]),
        result: name,
      },
      context,
      async (_, transaction) => {
        await transaction.execute(
          streams.tenant(input.tenantId),
          tenantDecider,
          {
            type: 'CreateTenant',
            tenantId: input.tenantId,
            displayName: input.displayName,
            quota: input.quota,
          },
          eventMetadata(context, input.tenantId, input.requestId),
        );
      },
    );
    return outcome.result;
  }

  async update(
    tenantId: string,
    changes: TenantChanges,
    etag: string | undefined,
    context: RequestContext,
  ): Promise<void> {
    const violations = [
      ...checkEtag('tenant.etag', etag),
      ...(changes.displayName === undefined
        ? []
        : checkDisplayName('tenant.display_name', changes.displayName)),
      ...(changes.quota === undefined ? [] : checkQuota('tenant.quota', changes.quota)),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    await this.aggregates.execute(
      streams.tenant(tenantId),
      tenantDecider,
      { type: 'UpdateTenant', tenantId, ...changes, ...(etag ? { etag } : {}) },
      eventMetadata(context, tenantId),
    );
  }

  async delete(tenantId: string, etag: string | undefined, context: RequestContext): Promise<void> {
    const violations = checkEtag('etag', etag);
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    await this.aggregates.execute(
      streams.tenant(tenantId),
      tenantDecider,
      { type: 'DeleteTenant', tenantId, ...(etag ? { etag } : {}) },
      eventMetadata(context, tenantId),
    );
  }
}
