import { Command } from 'commander';
import type { ExternalNetwork, UpstreamPeer } from '@loom/api-contract';
import type { CliContext } from '../cli/cli-context';
import { CliError } from '../cli/cli-error';
import {
  apiCommand,
  requestIdOf,
  withRequestIdOption,
  type ApiFlags,
  type RequestIdFlags,
} from '../cli/common-options';
import { collect } from '../cli/flag-parsers';
import { loadApi } from '../cli/lazy-modules';
import { parseResourceName } from '../cli/resource-names';
import { withSession } from '../cli/session';
import type { Column } from '../cli/table';
import { formatTime } from '../cli/time-format';
import { addDelete, addDisplayNameUpdate, addGet, addList } from '../resources/resource-commands';
import { withRetryHint } from '../resources/resource-create';
import type { ResourceKind } from '../resources/resource-kind';
import { printResource } from '../resources/resource-output';

const peerText = (peer: UpstreamPeer): string => `${peer.address} AS${peer.asn}`;

const columns = (): Column<ExternalNetwork>[] => [
  { header: 'NAME', value: (network) => network.name },
  { header: 'POOLS', value: (network) => network.pools.join(',') },
  { header: 'GATEWAYS', value: (network) => network.gatewayNodes.join(',') },
  { header: 'IN USE', value: (network) => String(network.addressesInUse) },
];

const fields = (network: ExternalNetwork): [string, string][] => [
  ['name', network.name],
  ['display_name', network.displayName],
  ['pools', network.pools.join(', ')],
  ['gateway_nodes', network.gatewayNodes.join(', ')],
  ['upstream_peers', network.upstreamPeers.map(peerText).join(', ')],
  ['addresses_in_use', String(network.addressesInUse)],
  ['etag', network.etag],
  ['create_time', formatTime(network.createTime)],
  ['update_time', formatTime(network.updateTime)],
];

export const externalNetworks: ResourceKind<ExternalNetwork> = {
  collection: 'externalNetworks',
  path: ['externalNetworks'],
  noun: 'external network',
  deletesAtOnce: true,
  columns,
  fields,
  get: (client, name) => client.externalNetworks.getExternalNetwork({ name }),
  list: async (client, _parent, pageSize, pageToken) => {
    const page = await client.externalNetworks.listExternalNetworks({ pageSize, pageToken });
    return { items: page.externalNetworks, nextPageToken: page.nextPageToken };
  },
  updateDisplayName: (client, { name, displayName, etag }) =>
    client.externalNetworks.updateExternalNetwork({
      externalNetwork: loadApi().externalNetworkBody({ name, displayName, etag }),
      updateMask: ['display_name'],
    }),
  delete: async (client, { name, etag }) => {
    await client.externalNetworks.deleteExternalNetwork({ name, etag });
    return undefined;
  },
};

/** `--upstream-peer 198.51.100.1:64500` (address and AS number). */
export function parseUpstreamPeer(value: string): UpstreamPeer {
  const match = /^([^:\s]+):(\d{1,10})$/.exec(value);
  const asn = Number(match?.[2]);
  if (!match?.[1] || !Number.isSafeInteger(asn) || asn < 1 || asn > 4_294_967_295) {
    throw CliError.usage(
      `expected --upstream-peer ADDRESS:ASN (e.g. 198.51.100.1:64500), got ${JSON.stringify(value.slice(0, 100))}`,
    );
  }
  return { address: match[1], asn };
}

type CreateFlags = ApiFlags &
  RequestIdFlags & {
    readonly pool: string[];
    readonly gatewayNode: string[];
    readonly upstreamPeer?: string[];
    readonly displayName?: string;
  };

/** `loomctl external-networks create|get|list|update|delete` (ops and portal change them). */
export function externalNetworksCommand(context: CliContext): Command {
  const group = new Command('external-networks').description(
    'routed external networks: public address pools, the gateway nodes that serve them and ' +
      'their upstream BGP peers',
  );
  withRequestIdOption(
    apiCommand(group, 'create <name>', 'create an external network (externalNetworks/{id})')
      .requiredOption(
        '--pool <cidr>',
        'a public IPv4 pool, e.g. 203.0.113.0/24 (repeatable)',
        collect,
      )
      .requiredOption(
        '--gateway-node <device>',
        'a gateway device of the fabric (repeatable)',
        collect,
      )
      .option('--upstream-peer <address:asn>', 'an upstream BGP peer (repeatable)', collect)
      .option('--display-name <text>', 'a name for people'),
  ).action(async (name: string, flags: CreateFlags) => {
    const { id } = parseResourceName(name, externalNetworks.path);
    const upstreamPeers = (flags.upstreamPeer ?? []).map(parseUpstreamPeer);
    const requestId = requestIdOf(flags);
    const created = await withSession(context, flags, async (session) => {
      try {
        return await session.client.externalNetworks.createExternalNetwork({
          externalNetworkId: id,
          externalNetwork: session.api.externalNetworkBody({
            displayName: flags.displayName ?? '',
            pools: flags.pool,
            gatewayNodes: flags.gatewayNode,
            upstreamPeers,
          }),
          requestId,
        });
      } catch (error) {
        throw withRetryHint(session, error, requestId);
      }
    });
    printResource(context, flags.output, externalNetworks, created);
  });
  addGet(group, externalNetworks, context);
  addList(group, externalNetworks, context);
  addDisplayNameUpdate(group, externalNetworks, context);
  addDelete(group, externalNetworks, context);
  return group;
}
