import { Command } from 'commander';
import type { Quota, Tenant } from '@loom/api-contract';
import type { CliContext } from '../cli/cli-context';
import { CliError } from '../cli/cli-error';
import {
  apiCommand,
  requestIdOf,
  withEtagOption,
  withRequestIdOption,
  type ApiFlags,
  type EtagFlags,
  type RequestIdFlags,
} from '../cli/common-options';
import { integerFlag } from '../cli/flag-parsers';
import { loadApi } from '../cli/lazy-modules';
import { parseResourceName } from '../cli/resource-names';
import { withSession } from '../cli/session';
import { addDelete, addGet, addList } from './resource-commands';
import { withRetryHint } from './resource-create';
import { printResource } from './resource-output';
import type { ResourceKind } from './resource-kind';
import { tenantColumns, tenantFields } from './tenants.view';

export const tenants: ResourceKind<Tenant> = {
  collection: 'tenants',
  path: ['tenants'],
  noun: 'tenant',
  deletesAtOnce: true,
  columns: tenantColumns,
  fields: tenantFields,
  get: (client, name) => client.tenants.getTenant({ name }),
  list: async (client, _parent, pageSize, pageToken) => {
    const page = await client.tenants.listTenants({ pageSize, pageToken });
    return { items: page.tenants, nextPageToken: page.nextPageToken };
  },
  updateDisplayName: (client, { name, displayName, etag }) =>
    client.tenants.updateTenant({
      tenant: loadApi().tenantBody({ name, displayName, etag }),
      updateMask: ['display_name'],
    }),
  delete: async (client, { name, etag }) => {
    await client.tenants.deleteTenant({ name, etag });
    return undefined;
  },
};

type QuotaFlags = { readonly [K in keyof Quota as `quota${Capitalize<K>}`]?: number };
const quotaFlags: readonly [keyof Quota, keyof QuotaFlags, string][] = [
  ['vpcs', 'quotaVpcs', '--quota-vpcs <n>'],
  ['subnets', 'quotaSubnets', '--quota-subnets <n>'],
  ['ports', 'quotaPorts', '--quota-ports <n>'],
  ['floatingIps', 'quotaFloatingIps', '--quota-floating-ips <n>'],
];

function withQuotaOptions(command: Command, defaultsNote: string): Command {
  for (const [field, , flag] of quotaFlags) {
    command.option(
      flag,
      `how many ${field} it may hold ${defaultsNote}`,
      integerFlag(0, 1_000_000),
    );
  }
  return command;
}

/** The quota with the flags given applied over `base`. */
export function quotaFrom(flags: QuotaFlags, base: Quota): Quota {
  const quota = { ...base };
  for (const [field, flag] of quotaFlags) quota[field] = flags[flag] ?? base[field];
  return quota;
}

const hasQuotaFlag = (flags: QuotaFlags): boolean =>
  quotaFlags.some(([, flag]) => flags[flag] !== undefined);

type CreateFlags = ApiFlags & RequestIdFlags & QuotaFlags & { readonly displayName?: string };
type UpdateFlags = ApiFlags & EtagFlags & QuotaFlags & { readonly displayName?: string };

/** `loomctl tenants get|list|create|update|delete`. */
export function tenantsCommand(context: CliContext): Command {
  const group = new Command('tenants').description(
    'tenants: who owns VPCs, and the quotas that bound them (create, delete and quotas: role portal)',
  );
  withRequestIdOption(
    withQuotaOptions(
      apiCommand(group, 'create <name>', 'create a tenant (tenants/{tenant})').option(
        '--display-name <text>',
        'a name for people',
      ),
      '(default 0)',
    ),
  ).action(async (name: string, flags: CreateFlags) => {
    const { id } = parseResourceName(name, tenants.path);
    const requestId = requestIdOf(flags);
    const tenant = await withSession(context, flags, async (session) => {
      const api = session.api;
      try {
        return await session.client.tenants.createTenant({
          tenantId: id,
          tenant: api.tenantBody({
            displayName: flags.displayName ?? '',
            quota: quotaFrom(flags, api.noQuota),
          }),
          requestId,
        });
      } catch (error) {
        throw withRetryHint(session, error, requestId);
      }
    });
    printResource(context, flags.output, tenants, tenant);
  });
  addGet(group, tenants, context);
  addList(group, tenants, context);
  withEtagOption(
    withQuotaOptions(
      apiCommand(
        group,
        'update <name>',
        'change a tenant’s display name or quotas (quotas not given stay as they are)',
      ).option('--display-name <text>', 'the new display name'),
      '(default: unchanged)',
    ),
  ).action(async (name: string, flags: UpdateFlags) => {
    parseResourceName(name, tenants.path);
    const mask = [
      ...(flags.displayName === undefined ? [] : ['display_name']),
      ...(hasQuotaFlag(flags) ? ['quota'] : []),
    ];
    if (mask.length === 0) {
      throw CliError.usage('nothing to change: give --display-name or a --quota-* flag');
    }
    const tenant = await withSession(context, flags, async ({ client, api }) => {
      // The API replaces the whole quota: read it, change the fields given, and send it back
      // with the etag read, so that a change made meanwhile is refused (ABORTED), not lost.
      const current = hasQuotaFlag(flags) ? await tenants.get(client, name) : undefined;
      return client.tenants.updateTenant({
        tenant: api.tenantBody({
          name,
          displayName: flags.displayName ?? '',
          quota: quotaFrom(flags, current?.quota ?? api.noQuota),
          etag: flags.etag ?? current?.etag ?? '',
        }),
        updateMask: mask,
      });
    });
    printResource(context, flags.output, tenants, tenant);
  });
  addDelete(group, tenants, context);
  return group;
}
