import { InvalidArgumentError } from '@loom/errors';
import { eventMetadata, type IntentRuntime, type RequestContext } from '@loom/intents';
import {
  checkDisplayName,
  checkEtag,
  checkResourceId,
  tenantName,
  type TenantName,
} from '@loom/names';
import { checkDeletion, etagOf } from '../shared/resource-changes';
import { streams } from '../shared/streams';
import { tenantDecider } from './tenant.decider';
import { quotaResources, type Quota } from './tenant.events';
import type { TenantRow } from './tenant.read-model';
import { checkQuota, checkTenantFields } from './tenant.validation';

export interface CreateTenantInput {
  readonly tenantId: string;
  readonly displayName: string;
  readonly quota: Quota;
  readonly requestId: string | undefined;
}

/** What CreateTenant answers from: the tenant's name, and the tenant as its create made it. */
export interface TenantCreation {
  readonly name: string;
  /** True when an earlier attempt with the request_id created it. */
  readonly retried: boolean;
  /**
   * The tenant as the create left it (the request's fields, nothing used, first version): what a
   * retry answers if the tenant has been deleted since, as AIP-155 asks (the first response).
   */
  readonly asCreated: TenantRow;
}

export interface TenantUpdate {
  readonly name: TenantName;
  /** Undefined when the update mask does not name it; the same for the quota. */
  readonly displayName?: string | undefined;
  readonly quota?: Quota | undefined;
  readonly etag?: string | undefined;
}

export interface TenantDeletion {
  readonly name: TenantName;
  readonly etag?: string | undefined;
}

/** Tenant intents: each checked, decided by the tenant decider and appended to its stream. */
export class TenantService {
  constructor(private readonly runtime: IntentRuntime) {}

  async create(input: CreateTenantInput, context: RequestContext): Promise<TenantCreation> {
    const violations = [
      ...checkResourceId('tenant_id', input.tenantId),
      ...checkTenantFields(input.displayName, input.quota),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const { tenantId, displayName, quota } = input;
    const outcome = await this.runtime.submit(
      {
        tenantId,
        requestId: input.requestId,
        method: 'CreateTenant',
        fingerprint: JSON.stringify([displayName, quota]),
        result: tenantName(tenantId),
      },
      context,
      async (intent) => {
        await intent.execute(
          streams.tenant(tenantId),
          tenantDecider,
          { type: 'CreateTenant', tenantId, displayName, quota },
          // Stamped with the acceptance, which the request record keeps: a retry answers with it.
          { ...eventMetadata(context, tenantId, input.requestId), occurredAt: intent.acceptedAt },
        );
      },
    );
    const createTime = new Date(outcome.acceptedAt);
    const unused = Object.fromEntries(quotaResources.map((resource) => [resource, 0])) as Quota;
    return {
      name: outcome.result,
      retried: outcome.value === undefined,
      asCreated: {
        name: outcome.result,
        tenantId,
        displayName,
        quota,
        usage: unused,
        version: 1,
        createTime,
        updateTime: createTime,
      },
    };
  }

  async update(update: TenantUpdate, context: RequestContext): Promise<void> {
    const { displayName, quota, etag } = update;
    const violations = [
      ...checkEtag('tenant.etag', etag),
      ...(displayName === undefined ? [] : checkDisplayName('tenant.display_name', displayName)),
      ...(quota === undefined ? [] : checkQuota('tenant.quota', quota)),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const tenantId = update.name.tenant;
    await this.runtime.execute(
      streams.tenant(tenantId),
      tenantDecider,
      {
        type: 'UpdateTenant',
        tenantId,
        ...(displayName === undefined ? {} : { displayName }),
        ...(quota === undefined ? {} : { quota }),
        ...etagOf(etag),
      },
      eventMetadata(context, tenantId),
    );
  }

  async delete(deletion: TenantDeletion, context: RequestContext): Promise<void> {
    checkDeletion(deletion);
    const tenantId = deletion.name.tenant;
    await this.runtime.execute(
      streams.tenant(tenantId),
      tenantDecider,
      { type: 'DeleteTenant', tenantId, ...etagOf(deletion.etag) },
      eventMetadata(context, tenantId),
    );
  }
}
