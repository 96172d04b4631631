import { Command, Option } from 'commander';
import type { Port } from '@loom/api-contract';
import type { CliContext } from '../cli/cli-context';
import {
  apiCommand,
  withRequestIdOption,
  withWaitOptions,
  type ApiFlags,
  type RequestIdFlags,
  type WaitFlags,
} from '../cli/common-options';
import { integerFlag } from '../cli/flag-parsers';
import { loadApi } from '../cli/lazy-modules';
import { parseResourceName } from '../cli/resource-names';
import { PORT_KIND_FLAGS, type PortKindFlag } from './port-kind';
import { addDelete, addDisplayNameUpdate, addGet, addList } from './resource-commands';
import { runCreate } from './resource-create';
import type { ResourceKind } from './resource-kind';
import { portColumns, portFields } from './ports.view';

export const ports: ResourceKind<Port> = {
  collection: 'ports',
  path: ['tenants', 'vpcs', 'subnets', 'ports'],
  noun: 'port',
  columns: portColumns,
  fields: portFields,
  get: (client, name) => client.ports.getPort({ name }),
  list: async (client, parent, pageSize, pageToken) => {
    const page = await client.ports.listPorts({ parent, pageSize, pageToken });
    return { items: page.ports, nextPageToken: page.nextPageToken };
  },
  updateDisplayName: (client, { name, displayName, etag }) =>
    client.ports.updatePort({
      port: loadApi().portBody({ name, displayName, etag }),
      updateMask: ['display_name'],
    }),
  delete: (client, request) => client.ports.deletePort(request),
};

type CreateFlags = ApiFlags &
  WaitFlags &
  RequestIdFlags & {
    readonly host: string;
    readonly leafSwitch: string;
    readonly interface: string;
    readonly vlan?: number;
    readonly kind: PortKindFlag;
    readonly fixedIp?: string;
    readonly macAddress?: string;
    readonly displayName?: string;
  };

/** `loomctl ports get|list|create|update|delete`. */
export function portsCommand(context: CliContext): Command {
  const group = new Command('ports').description(
    'ports: VM or bare-metal NICs in a subnet, bound to a leaf switch interface and VLAN',
  );
  withRequestIdOption(
    withWaitOptions(
      apiCommand(
        group,
        'create <name>',
        'create a port (tenants/{tenant}/vpcs/{vpc}/subnets/{subnet}/ports/{port}) and bind it ' +
          'on its leaf; waits until it is ACTIVE unless --no-wait',
      )
        .requiredOption('--host <name>', 'the hypervisor or bare-metal server')
        .requiredOption('--leaf-switch <name>', 'the leaf the NIC is cabled to, e.g. leaf1')
        .requiredOption('--interface <name>', 'the switch interface, e.g. swp7')
        .option(
          '--vlan <id>',
          'the VLAN, 1-4094 (default: a free one on that leaf)',
          integerFlag(1, 4094),
        )
        .addOption(
          new Option('--kind <kind>', 'what the NIC belongs to')
            .choices(PORT_KIND_FLAGS)
            .default('virtual-machine'),
        )
        .option('--fixed-ip <address>', 'its address (default: the next free one of the subnet)')
        .option('--mac-address <mac>', 'its MAC (default: a locally administered one)')
        .option('--display-name <text>', 'a name for people'),
    ),
  ).action(async (name: string, flags: CreateFlags) => {
    const { parent, id } = parseResourceName(name, ports.path);
    await runCreate(context, flags, ports, name, ({ client, api }, requestId) =>
      client.ports.createPort({
        parent,
        portId: id,
        port: api.portBody({
          displayName: flags.displayName ?? '',
          kind: api.portKinds[flags.kind],
          fixedIp: flags.fixedIp ?? '',
          macAddress: flags.macAddress ?? '',
          binding: {
            host: flags.host,
            leafSwitch: flags.leafSwitch,
            interface: flags.interface,
            vlan: flags.vlan ?? 0,
          },
        }),
        requestId,
      }),
    );
  });
  addGet(group, ports, context);
  addList(group, ports, context);
  addDisplayNameUpdate(group, ports, context);
  addDelete(group, ports, context);
  return group;
}
