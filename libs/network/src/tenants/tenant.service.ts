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
import type { Quota } from './tenant.events';
import { checkQuota, checkTenantFields } from './tenant.validation';

export interface CreateTenantInput {
  readonly tenantId: string;
  readonly displayName: string;
  readonly quota: Quota;
  readonly requestId: string | undefined;
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

  async create(input: CreateTenantInput, context: RequestContext): Promise<string> {
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
          eventMetadata(context, tenantId, input.requestId),
        );
      },
    );
    return outcome.result;
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
