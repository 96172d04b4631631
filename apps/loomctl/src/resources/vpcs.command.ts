import { Command } from 'commander';
import type { Vpc } from '@loom/api-contract';
import type { CliContext } from '../cli/cli-context';
import {
  apiCommand,
  withRequestIdOption,
  withWaitOptions,
  type ApiFlags,
  type RequestIdFlags,
  type WaitFlags,
} from '../cli/common-options';
import { collect } from '../cli/flag-parsers';
import { loadApi } from '../cli/lazy-modules';
import { parseResourceName } from '../cli/resource-names';
import { addDelete, addDisplayNameUpdate, addGet, addList } from './resource-commands';
import { runCreate } from './resource-create';
import type { ResourceKind } from './resource-kind';
import { vpcColumns, vpcFields } from './vpcs.view';

export const vpcs: ResourceKind<Vpc> = {
  collection: 'vpcs',
  path: ['tenants', 'vpcs'],
  noun: 'VPC',
  columns: vpcColumns,
  fields: vpcFields,
  get: (client, name) => client.vpcs.getVpc({ name }),
  list: async (client, parent, pageSize, pageToken) => {
    const page = await client.vpcs.listVpcs({ parent, pageSize, pageToken });
    return { items: page.vpcs, nextPageToken: page.nextPageToken };
  },
  updateDisplayName: (client, { name, displayName, etag }) =>
    client.vpcs.updateVpc({
      vpc: loadApi().vpcBody({ name, displayName, etag }),
      updateMask: ['display_name'],
    }),
  delete: (client, request) => client.vpcs.deleteVpc(request),
};

type CreateFlags = ApiFlags &
  WaitFlags &
  RequestIdFlags & { readonly cidr: string[]; readonly displayName?: string };

/** `loomctl vpcs get|list|create|update|delete`. */
export function vpcsCommand(context: CliContext): Command {
  const group = new Command('vpcs').description(
    "VPCs: a tenant's routed networks (a VRF with an L3 VNI on every leaf that hosts it)",
  );
  withRequestIdOption(
    withWaitOptions(
      apiCommand(
        group,
        'create <name>',
        'create a VPC (tenants/{tenant}/vpcs/{vpc}); waits until it is READY unless --no-wait',
      )
        .requiredOption('--cidr <block>', 'an IPv4 block, e.g. 10.0.0.0/16 (repeatable)', collect)
        .option('--display-name <text>', 'a name for people'),
    ),
  ).action(async (name: string, flags: CreateFlags) => {
    const { parent, id } = parseResourceName(name, vpcs.path);
    await runCreate(context, flags, vpcs, name, ({ client, api }, requestId) =>
      client.vpcs.createVpc({
        parent,
        vpcId: id,
        vpc: api.vpcBody({ displayName: flags.displayName ?? '', cidrBlocks: flags.cidr }),
        requestId,
      }),
    );
  });
  addGet(group, vpcs, context);
  addList(group, vpcs, context);
  addDisplayNameUpdate(group, vpcs, context);
  addDelete(group, vpcs, context);
  return group;
}
