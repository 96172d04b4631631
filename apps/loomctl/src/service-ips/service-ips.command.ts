import { Command } from 'commander';
import type { Operation, ServiceIp } from '@loom/api-contract';
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

const serviceIpFields = (serviceIp: ServiceIp): [string, string][] => [
  ['name', serviceIp.name],
  ['prefixes', serviceIp.prefixes.join(', ')],
  ['address', serviceIp.address],
  ['block', serviceIp.block],
  ['node', serviceIp.node],
  ['status', serviceIp.status],
  ['status_reason', serviceIp.statusReason],
  ['etag', serviceIp.etag],
];

function print(context: CliContext, flags: ApiFlags, serviceIp: ServiceIp): void {
  printRendering(context.io, flags.output, {
    message: serviceIp,
    table: () => formatFields(serviceIpFields(serviceIp)),
    names: () => [serviceIp.name],
  });
}

/** Sends a change answered by an Operation; waits for it and prints the service IP after. */
async function change(
  context: CliContext,
  flags: Change,
  send: (session: Session, requestId: string) => Promise<Operation>,
  read: ((session: Session) => Promise<ServiceIp>) | undefined,
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
    if (read) print(context, flags, await read(session));
    else printOperation(context, flags.output, done);
  });
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * `loomctl service-ips create|get|list|delete`: a VPC's access to prefixes of the management
 * network.
 */
export function serviceIpsCommand(context: CliContext): Command {
  const group = new Command('service-ips').description(
    "VPC service IPs: a VPC's access to chosen prefixes of the management network (DNS, NTP, mirrors)",
  );
  const get = (session: Session, vpc: string) =>
    session.client.serviceIps.getServiceIp({ name: `${vpc}/serviceIp` });
  withRequestIdOption(
    withWaitOptions(
      apiCommand(
        group,
        'create <vpc>',
        'give a VPC (tenants/{tenant}/vpcs/{vpc}) access to management prefixes',
      ).requiredOption(
        '--prefix <cidr>',
        'a management prefix the VMs may reach, e.g. 10.0.200.10/32 (repeat for more)',
        collect,
      ),
    ),
  ).action(async (vpc: string, flags: Change & { prefix: string[] }) => {
    await change(
      context,
      flags,
      (session, requestId) =>
        session.client.serviceIps.createServiceIp({
          parent: vpc,
          serviceIp: {
            name: '',
            prefixes: flags.prefix,
            address: '',
            block: '',
            node: '',
            status: 'SERVICE_IP_STATUS_UNSPECIFIED' as never,
            statusReason: '',
            etag: '',
          },
          requestId,
        }),
      (session) => get(session, vpc),
    );
  });
  apiCommand(group, 'get <vpc>', "show a VPC's service IP").action(
    async (vpc: string, flags: ApiFlags) => {
      const serviceIp = await withSession(context, flags, (session) => get(session, vpc));
      print(context, flags, serviceIp);
    },
  );
  withPagingOptions(
    apiCommand(group, 'list <tenant>', "list a tenant's service IPs, one per VPC that has one"),
  ).action(async (parent: string, flags: ApiFlags & PagingFlags) => {
    const page = await withSession(context, flags, (session) =>
      session.client.serviceIps.listServiceIps({
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
            { header: 'NAME', value: (serviceIp: ServiceIp) => serviceIp.name },
            { header: 'ADDRESS', value: (serviceIp: ServiceIp) => serviceIp.address },
            { header: 'PREFIXES', value: (serviceIp: ServiceIp) => serviceIp.prefixes.join(',') },
            { header: 'STATUS', value: (serviceIp: ServiceIp) => serviceIp.status },
          ],
          page.serviceIps,
        ),
      names: () => page.serviceIps.map((serviceIp) => serviceIp.name),
    });
  });
  withRequestIdOption(
    withWaitOptions(apiCommand(group, 'delete <vpc>', "remove a VPC's service IP")),
  ).action((vpc: string, flags: Change) =>
    change(
      context,
      flags,
      (session, requestId) =>
        session.client.serviceIps.deleteServiceIp({
          name: `${vpc}/serviceIp`,
          etag: '',
          requestId,
        }),
      undefined,
    ),
  );
  return group;
}
