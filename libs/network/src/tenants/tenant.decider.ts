import {
  AlreadyExistsError,
  FailedPreconditionError,
  NotFoundError,
  ResourceExhaustedError,
} from '@loom/errors';
import type { Decider } from '@loom/intents';
import { Set as ImmutableSet } from 'immutable';
import { tenantName } from '@loom/names';
import { checkEtag, withUpdate } from '../shared/resource-lifecycle';
import { quotaResources, type Quota, type QuotaResource, type TenantEvent } from './tenant.events';

export type TenantState =
  | { readonly status: 'Absent' }
  | { readonly status: 'Deleted'; readonly tenantId: string }
  | {
      readonly status: 'Active';
      readonly tenantId: string;
      readonly displayName: string;
      readonly quota: Quota;
      /** Owners holding one unit each, per resource (persistent: a claim copies no set). */
      readonly claims: Readonly<Record<QuotaResource, ImmutableSet<string>>>;
      /** Bumped by every change Get shows (its fields, its usage): the etag. */
      readonly version: number;
    };

export type TenantCommand =
  | {
      readonly type: 'CreateTenant';
      readonly tenantId: string;
      readonly displayName: string;
      readonly quota: Quota;
    }
  | (TenantTarget & {
      readonly type: 'UpdateTenant';
      readonly displayName?: string;
      readonly quota?: Quota;
      readonly etag?: string;
    })
  | (TenantTarget & { readonly type: 'DeleteTenant'; readonly etag?: string })
  | (TenantTarget & {
      readonly type: 'ClaimQuota';
      readonly resource: QuotaResource;
      readonly owner: string;
    })
  | (TenantTarget & {
      readonly type: 'ReleaseQuota';
      readonly resource: QuotaResource;
      readonly owner: string;
    });

interface TenantTarget {
  readonly tenantId: string;
}

type ActiveTenant = Extract<TenantState, { status: 'Active' }>;

const noClaims = (): ActiveTenant['claims'] => ({
  vpcs: ImmutableSet<string>(),
  subnets: ImmutableSet<string>(),
  ports: ImmutableSet<string>(),
  floatingIps: ImmutableSet<string>(),
});

export const tenantDecider: Decider<TenantCommand, TenantEvent, TenantState> = {
  initialState: () => ({ status: 'Absent' }),

  decide(command, state) {
    if (command.type === 'CreateTenant') {
      if (state.status === 'Active') throw new AlreadyExistsError(tenantName(state.tenantId));
      const { tenantId, displayName, quota } = command;
      return [{ type: 'TenantCreated', data: { tenantId, displayName, quota } }];
    }
    const tenant = requireActive(state, command.tenantId);
    switch (command.type) {
      case 'UpdateTenant': {
        checkEtag(tenant, command.etag, tenantName(tenant.tenantId), 'tenant');
        const displayName = command.displayName ?? tenant.displayName;
        const quota = command.quota ?? tenant.quota;
        const overUsed = quotaResources.filter(
          (resource) => quota[resource] < tenant.claims[resource].size,
        );
        if (overUsed.length > 0) {
          throw new FailedPreconditionError(
            `${tenantName(tenant.tenantId)}.quota`,
            'QUOTA_BELOW_USAGE',
            `the quota for ${overUsed.join(', ')} is below what the tenant already uses`,
          );
        }
        return [{ type: 'TenantUpdated', data: { displayName, quota } }];
      }
      case 'DeleteTenant': {
        checkEtag(tenant, command.etag, tenantName(tenant.tenantId), 'tenant');
        if (tenant.claims.vpcs.size > 0) {
          throw new FailedPreconditionError(
            tenantName(tenant.tenantId),
            'HAS_VPCS',
            'the tenant still has VPCs',
          );
        }
        return [{ type: 'TenantDeleted', data: { tenantId: tenant.tenantId } }];
      }
      case 'ClaimQuota': {
        const held = tenant.claims[command.resource];
        if (held.has(command.owner)) return [];
        if (held.size >= tenant.quota[command.resource]) {
          throw new ResourceExhaustedError(
            `${tenantName(tenant.tenantId)}/quota/${command.resource}`,
            `the quota of ${tenant.quota[command.resource]} ${command.resource} is used up`,
          );
        }
        return [
          {
            type: 'TenantQuotaClaimed',
            data: { resource: command.resource, owner: command.owner },
          },
        ];
      }
      case 'ReleaseQuota':
        if (!tenant.claims[command.resource].has(command.owner)) return [];
        return [
          {
            type: 'TenantQuotaReleased',
            data: { resource: command.resource, owner: command.owner },
          },
        ];
      default: {
        const exhaustive: never = command;
        return exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'TenantCreated':
        return { status: 'Active', ...event.data, claims: noClaims(), version: 1 };
      case 'TenantDeleted':
        return { status: 'Deleted', tenantId: event.data.tenantId };
      case 'TenantUpdated':
        return state.status === 'Active' ? withUpdate(state, event.data) : state;
      case 'TenantQuotaClaimed':
      case 'TenantQuotaReleased': {
        if (state.status !== 'Active') return state;
        const held = state.claims[event.data.resource];
        const owners =
          event.type === 'TenantQuotaClaimed'
            ? held.add(event.data.owner)
            : held.delete(event.data.owner);
        // The usage Get shows changes: a new version.
        return withUpdate(state, { claims: { ...state.claims, [event.data.resource]: owners } });
      }
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};

function requireActive(state: TenantState, tenantId: string): ActiveTenant {
  if (state.status !== 'Active') throw new NotFoundError(tenantName(tenantId));
  return state;
}
