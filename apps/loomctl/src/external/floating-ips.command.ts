import { Command } from 'commander';
import type { ExternalGateway, FloatingIp, Operation } from '@loom/api-contract';
import type { CliContext } from '../cli/cli-context';
import {
  apiCommand,
  requestIdOf,
  withPagingOptions,
  withRequestIdOption,
  withWaitOptions,
  type ApiFlags,
  type PagingFlags,
  type RequestIdFlags,
  type WaitFlags,
} from '../cli/common-options';
import { printRendering } from '../cli/output';
import { withSession, type Session } from '../cli/session';
import { formatFields, formatList } from '../cli/table';
import { succeeded, waitForOperation } from '../operations/operation-wait';
import { printOperation } from '../resources/resource-output';

type Change = ApiFlags & WaitFlags & RequestIdFlags;

const floatingIpFields = (ip: FloatingIp): [string, string][] => [
  ['name', ip.name],
  ['display_name', ip.displayName],
  ['external_network', ip.externalNetwork],
  ['address', ip.address],
  ['port', ip.port],
  ['fixed_ip', ip.fixedIp],
  ['status', ip.status],
  ['etag', ip.etag],
];

const gatewayFields = (gateway: ExternalGateway): [string, string][] => [
  ['name', gateway.name],
  ['external_network', gateway.externalNetwork],
  ['transfer_block', gateway.transferBlock],
  ['vrf_address', gateway.vrfAddress],
  ['gateway_address', gateway.gatewayAddress],
  ['snat_address', gateway.snatAddress],
  ['status', gateway.status],
  ['floating_ips', gateway.floatingIps.join(', ')],
  ['etag', gateway.etag],
];

function print<R extends { name: string }>(
  context: CliContext,
  flags: ApiFlags,
  resource: R,
  fields: (resource: R) => [string, string][],
): void {
  printRendering(context.io, flags.output, {
    message: resource,
    table: () => formatFields(fields(resource)),
    names: () => [resource.name],
  });
}

/** Sends a change answered by an Operation; waits for it and prints what `read` shows after. */
async function change<R extends { name: string }>(
  context: CliContext,
  flags: Change,
  send: (session: Session, requestId: string) => Promise<Operation>,
  read: ((session: Session) => Promise<R>) | undefined,
  fields: (resource: R) => [string, string][],
): Promise<void> {
  const requestId = requestIdOf(flags);
  await withSession(context, flags, async (session) => {
    const operation = await send(session, requestId);
    if (!flags.wait) {
      printOperation(context, flags.output, operation);
      return;
    }
    const done = succeeded(
      session,
      await waitForOperation(context, session, operation, flags.waitTimeout),
    );
    if (read) print(context, flags, await read(session), fields);
    else printOperation(context, flags.output, done);
  });
}

const floatingIpBody = (fields: Partial<FloatingIp>): FloatingIp => ({
  name: '',
  displayName: '',
  externalNetwork: '',
  address: '',
  port: '',
  fixedIp: '',
  status: 'FLOATING_IP_STATUS_UNSPECIFIED' as never,
  statusReason: '',
  etag: '',
  ...fields,
});

function parentAndId(name: string): { parent: string; id: string } {
  const match = /^(tenants\/[^/]+)\/floatingIps\/([^/]+)$/.exec(name);
  if (!match?.[1] || !match[2]) {
    throw new Error(`expected a name like tenants/{tenant}/floatingIps/{floating_ip}, got ${name}`);
  }
  return { parent: match[1], id: match[2] };
}

/** `loomctl floating-ips create|get|list|associate|disassociate|delete`. */
export function floatingIpsCommand(context: CliContext): Command {
  const group = new Command('floating-ips').description(
    "a tenant's floating IPs: public addresses NATed 1:1 to a port and announced as /32s",
  );
  const get = (session: Session, name: string) =>
    session.client.floatingIps.getFloatingIp({ name });
  withRequestIdOption(
    withWaitOptions(
      apiCommand(group, 'create <name>', 'create a floating IP (tenants/{tenant}/floatingIps/{id})')
        .requiredOption('--external-network <name>', 'externalNetworks/{external_network}')
        .option('--address <ip>', 'a free address of its pools (default: the next free one)'),
    ),
  ).action(async (name: string, flags: Change & { externalNetwork: string; address?: string }) => {
    const { parent, id } = parentAndId(name);
    await change(
      context,
      flags,
      (session, requestId) =>
        session.client.floatingIps.createFloatingIp({
          parent,
          floatingIpId: id,
          floatingIp: floatingIpBody({
            externalNetwork: flags.externalNetwork,
            address: flags.address ?? '',
          }),
          requestId,
        }),
      (session) => get(session, name),
      floatingIpFields,
    );
  });
  apiCommand(group, 'get <name>', 'show a floating IP').action(
    async (name: string, flags: ApiFlags) => {
      const ip = await withSession(context, flags, (session) => get(session, name));
      print(context, flags, ip, floatingIpFields);
    },
  );
  withPagingOptions(apiCommand(group, 'list <tenant>', "list a tenant's floating IPs")).action(
    async (parent: string, flags: ApiFlags & PagingFlags) => {
      const page = await withSession(context, flags, (session) =>
        session.client.floatingIps.listFloatingIps({
          parent,
          pageSize: flags.pageSize ?? 0,
          pageToken: flags.pageToken ?? '',
        }),
      );
      printRendering(context.io, flags.output, {
        message: page,
        table: () =>
          formatList(
            [
              { header: 'NAME', value: (ip: FloatingIp) => ip.name },
              { header: 'ADDRESS', value: (ip: FloatingIp) => ip.address },
              { header: 'PORT', value: (ip: FloatingIp) => ip.port },
              { header: 'FIXED IP', value: (ip: FloatingIp) => ip.fixedIp },
              { header: 'STATUS', value: (ip: FloatingIp) => ip.status },
            ],
            page.floatingIps,
          ),
        names: () => page.floatingIps.map((ip) => ip.name),
      });
    },
  );
  const associate = (name: string, port: string, flags: Change) =>
    change(
      context,
      flags,
      (session, requestId) =>
        session.client.floatingIps.updateFloatingIp({
          floatingIp: floatingIpBody({ name, port }),
          updateMask: ['port'],
          requestId,
        }),
      (session) => get(session, name),
      floatingIpFields,
    );
  withRequestIdOption(
    withWaitOptions(
      apiCommand(
        group,
        'associate <name> <port>',
        'associate a floating IP with a port (moves it if it is associated)',
      ),
    ),
  ).action((name: string, port: string, flags: Change) => associate(name, port, flags));
  withRequestIdOption(
    withWaitOptions(apiCommand(group, 'disassociate <name>', 'disassociate a floating IP')),
  ).action((name: string, flags: Change) => associate(name, '', flags));
  withRequestIdOption(
    withWaitOptions(apiCommand(group, 'delete <name>', 'delete an unassociated floating IP')),
  ).action((name: string, flags: Change) =>
    change(
      context,
      flags,
      (session, requestId) =>
        session.client.floatingIps.deleteFloatingIp({ name, etag: '', requestId }),
      undefined,
      floatingIpFields,
    ),
  );
  return group;
}

/** `loomctl external-gateways create|get|list|delete`: a VPC's connection to an external network. */
export function externalGatewaysCommand(context: CliContext): Command {
  const group = new Command('external-gateways').description(
    "VPC external gateways: a VPC's transfer /31, default route and SNAT address on the gateway nodes",
  );
  const get = (session: Session, name: string) =>
    session.client.externalGateways.getExternalGateway({ name });
  withRequestIdOption(
    withWaitOptions(
      apiCommand(
        group,
        'create <vpc>',
        'connect a VPC (tenants/{tenant}/vpcs/{vpc}) to an external network',
      ).requiredOption('--external-network <name>', 'externalNetworks/{external_network}'),
    ),
  ).action(async (vpc: string, flags: Change & { externalNetwork: string }) => {
    await change(
      context,
      flags,
      (session, requestId) =>
        session.client.externalGateways.createExternalGateway({
          parent: vpc,
          externalGateway: {
            name: '',
            externalNetwork: flags.externalNetwork,
            transferBlock: '',
            vrfAddress: '',
            gatewayAddress: '',
            snatAddress: '',
            status: 'EXTERNAL_GATEWAY_STATUS_UNSPECIFIED' as never,
            statusReason: '',
            floatingIps: [],
            etag: '',
          },
          requestId,
        }),
      (session) => get(session, `${vpc}/externalGateway`),
      gatewayFields,
    );
  });
  apiCommand(group, 'get <vpc>', "show a VPC's external gateway").action(
    async (vpc: string, flags: ApiFlags) => {
      const gateway = await withSession(context, flags, (session) =>
        get(session, `${vpc}/externalGateway`),
      );
      print(context, flags, gateway, gatewayFields);
    },
  );
  withPagingOptions(
    apiCommand(group, 'list <tenant>', "list a tenant's external gateways, one per connected VPC"),
  ).action(async (parent: string, flags: ApiFlags & PagingFlags) => {
    const page = await withSession(context, flags, (session) =>
      session.client.externalGateways.listExternalGateways({
        parent,
        pageSize: flags.pageSize ?? 0,
        pageToken: flags.pageToken ?? '',
      }),
    );
    printRendering(context.io, flags.output, {
      message: page,
      table: () =>
        formatList(
          [
            { header: 'NAME', value: (gateway: ExternalGateway) => gateway.name },
            {
              header: 'EXTERNAL NETWORK',
              value: (gateway: ExternalGateway) => gateway.externalNetwork,
            },
            { header: 'SNAT', value: (gateway: ExternalGateway) => gateway.snatAddress },
            { header: 'TRANSFER', value: (gateway: ExternalGateway) => gateway.transferBlock },
            { header: 'STATUS', value: (gateway: ExternalGateway) => gateway.status },
          ],
          page.externalGateways,
        ),
      names: () => page.externalGateways.map((gateway) => gateway.name),
    });
  });
  withRequestIdOption(
    withWaitOptions(apiCommand(group, 'delete <vpc>', "remove a VPC's external gateway")),
  ).action((vpc: string, flags: Change) =>
    change(
      context,
      flags,
      (session, requestId) =>
        session.client.externalGateways.deleteExternalGateway({
          name: `${vpc}/externalGateway`,
          etag: '',
          requestId,
        }),
      undefined,
      gatewayFields,
    ),
  );
  return group;
}
