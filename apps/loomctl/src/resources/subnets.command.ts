import { Command } from 'commander';
import type { Subnet } from '@loom/api-contract';
import type { CliContext } from '../cli/cli-context';
import {
  apiCommand,
  withRequestIdOption,
  withWaitOptions,
  type ApiFlags,
  type RequestIdFlags,
  type WaitFlags,
} from '../cli/common-options';
import { loadApi } from '../cli/lazy-modules';
import { parseResourceName } from '../cli/resource-names';
import { addDelete, addDisplayNameUpdate, addGet, addList } from './resource-commands';
import { runCreate } from './resource-create';
import type { ResourceKind } from './resource-kind';
import { subnetColumns, subnetFields } from './subnets.view';

export const subnets: ResourceKind<Subnet> = {
  collection: 'subnets',
  path: ['tenants', 'vpcs', 'subnets'],
  noun: 'subnet',
  columns: subnetColumns,
  fields: subnetFields,
  get: (client, name) => client.subnets.getSubnet({ name }),
  list: async (client, parent, pageSize, pageToken) => {
    const page = await client.subnets.listSubnets({ parent, pageSize, pageToken });
    return { items: page.subnets, nextPageToken: page.nextPageToken };
  },
  updateDisplayName: (client, { name, displayName, etag }) =>
    client.subnets.updateSubnet({
      subnet: loadApi().subnetBody({ name, displayName, etag }),
      updateMask: ['display_name'],
    }),
  delete: (client, request) => client.subnets.deleteSubnet(request),
};

type CreateFlags = ApiFlags &
  WaitFlags &
  RequestIdFlags & {
    readonly cidr: string;
    readonly gatewayIp?: string;
    readonly displayName?: string;
  };

/** `loomctl subnets get|list|create|update|delete`. */
export function subnetsCommand(context: CliContext): Command {
  const group = new Command('subnets').description(
    "subnets: a VPC's broadcast domains (an L2 VNI with an anycast gateway on the leaves)",
  );
  withRequestIdOption(
    withWaitOptions(
      apiCommand(
        group,
        'create <name>',
        'create a subnet (tenants/{tenant}/vpcs/{vpc}/subnets/{subnet}); waits until it is READY unless --no-wait',
      )
        .requiredOption('--cidr <block>', "inside one of the VPC's blocks, /16 to /29")
        .option('--gateway-ip <address>', 'the gateway (default: the first host address)')
        .option('--display-name <text>', 'a name for people'),
    ),
  ).action(async (name: string, flags: CreateFlags) => {
    const { parent, id } = parseResourceName(name, subnets.path);
    await runCreate(context, flags, subnets, name, ({ client, api }, requestId) =>
      client.subnets.createSubnet({
        parent,
        subnetId: id,
        subnet: api.subnetBody({
          displayName: flags.displayName ?? '',
          cidr: flags.cidr,
          gatewayIp: flags.gatewayIp ?? '',
        }),
        requestId,
      }),
    );
  });
  addGet(group, subnets, context);
  addList(group, subnets, context);
  addDisplayNameUpdate(group, subnets, context);
  addDelete(group, subnets, context);
  return group;
}
