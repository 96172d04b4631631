import { Command, InvalidArgumentError } from 'commander';
import type { Operation, QosLimit, QosPolicy } from '@loom/api-contract';
import type { CliContext } from '../cli/cli-context';
import {
  apiCommand,
  requestIdOf,
  withEtagOption,
  withPagingOptions,
  withRequestIdOption,
  withWaitOptions,
  type ApiFlags,
  type EtagFlags,
  type PagingFlags,
  type RequestIdFlags,
  type WaitFlags,
} from '../cli/common-options';
import { printRendering } from '../cli/output';
import { withSession, type Session } from '../cli/session';
import { formatFields, formatList } from '../cli/table';
import { succeeded, waitForOperation } from '../operations/operation-wait';
import { printOperation } from '../resources/resource-output';

type Change = ApiFlags & WaitFlags & RequestIdFlags & EtagFlags;

/** The limit flags of one direction. */
interface LimitFlags {
  readonly ingressKbps?: number;
  readonly ingressBurst?: number;
  readonly egressKbps?: number;
  readonly egressBurst?: number;
  readonly clearIngress?: boolean;
  readonly clearEgress?: boolean;
}

/** `10 Mbit/s, burst 15000 B`, or `-` for an unlimited direction. */
export function limitText(limit: QosLimit | null | undefined): string {
  if (!limit) return '-';
  const { maxRateKbps: rate, maxBurstBytes: burst } = limit;
  const speed = rate % 1000 === 0 ? `${rate / 1000} Mbit/s` : `${rate} kbit/s`;
  return `${speed}, burst ${burst} B`;
}

export const qosPolicyFields = (policy: QosPolicy): [string, string][] => [
  ['name', policy.name],
  ['display_name', policy.displayName],
  ['ingress', limitText(policy.ingress)],
  ['egress', limitText(policy.egress)],
  ['attachments', policy.attachments.join(', ')],
  ['status', policy.status],
  ['status_reason', policy.statusReason],
  ['etag', policy.etag],
];

const whole = (value: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number)) throw new InvalidArgumentError('a whole number');
  return number;
};

/** The direction's limit from its flags: undefined when neither is given. */
function limitOf(rate: number | undefined, burst: number | undefined): QosLimit | undefined {
  if (rate === undefined && burst === undefined) return undefined;
  // A missing half goes as 0, which the engine refuses naming the field.
  return { maxRateKbps: rate ?? 0, maxBurstBytes: burst ?? 0 };
}

const policyBody = (fields: Partial<QosPolicy>): QosPolicy => ({
  name: '',
  displayName: '',
  ingress: null,
  egress: null,
  attachments: [],
  status: 'QOS_POLICY_STATUS_UNSPECIFIED' as never,
  statusReason: '',
  etag: '',
  ...fields,
});

function parentAndId(name: string): { parent: string; id: string } {
  const match = /^(tenants\/[^/]+)\/qosPolicies\/([^/]+)$/.exec(name);
  if (!match?.[1] || !match[2]) {
    throw new Error(`expected a name like tenants/{tenant}/qosPolicies/{qos_policy}, got ${name}`);
  }
  return { parent: match[1], id: match[2] };
}

function withLimitOptions(command: Command): Command {
  return command
    .option('--ingress-kbps <kbps>', 'rate towards the port (into the VM), kbit/s', whole)
    .option('--ingress-burst <bytes>', 'burst towards the port, bytes (at least 1500)', whole)
    .option('--egress-kbps <kbps>', 'rate from the port (out of the VM), kbit/s', whole)
    .option('--egress-burst <bytes>', 'burst from the port, bytes (at least 1500)', whole);
}

/** `loomctl qos-policies create|get|list|update|delete|attach|detach`. */
export function qosPoliciesCommand(context: CliContext): Command {
  const group = new Command('qos-policies').description(
    "a tenant's QoS policies: rate limits each way, shaped by tc on the leaf (ports) or gateway node (floating IPs)",
  );
  const get = (session: Session, name: string) => session.client.qosPolicies.getQosPolicy({ name });
  const print = (flags: ApiFlags, policy: QosPolicy): void => {
    printRendering(context.io, flags.output, {
      message: policy,
      table: () => formatFields(qosPolicyFields(policy)),
      names: () => [policy.name],
    });
  };
  /** Sends a change answered by an Operation; waits and prints the policy (or the Operation). */
  const change = async (
    flags: Change,
    name: string,
    send: (session: Session, requestId: string) => Promise<Operation>,
    readAfter = true,
  ) => {
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
      if (readAfter) print(flags, await get(session, name));
      else printOperation(context, flags.output, done);
    });
  };

  withRequestIdOption(
    withWaitOptions(
      withLimitOptions(
        apiCommand(
          group,
          'create <name>',
          'create a QoS policy (tenants/{tenant}/qosPolicies/{id})',
        ),
      ).option('--display-name <text>', 'a display name'),
    ),
  ).action(async (name: string, flags: Change & LimitFlags & { displayName?: string }) => {
    const { parent, id } = parentAndId(name);
    await change(flags, name, (session, requestId) =>
      session.client.qosPolicies.createQosPolicy({
        parent,
        qosPolicyId: id,
        qosPolicy: policyBody({
          displayName: flags.displayName ?? '',
          ingress: limitOf(flags.ingressKbps, flags.ingressBurst) ?? null,
          egress: limitOf(flags.egressKbps, flags.egressBurst) ?? null,
        }),
        requestId,
      }),
    );
  });
  apiCommand(group, 'get <name>', 'show a QoS policy').action(
    async (name: string, flags: ApiFlags) => {
      print(flags, await withSession(context, flags, (session) => get(session, name)));
    },
  );
  withPagingOptions(apiCommand(group, 'list <tenant>', "list a tenant's QoS policies")).action(
    async (parent: string, flags: ApiFlags & PagingFlags) => {
      const page = await withSession(context, flags, (session) =>
        session.client.qosPolicies.listQosPolicies({
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
              { header: 'NAME', value: (policy: QosPolicy) => policy.name },
              { header: 'INGRESS', value: (policy: QosPolicy) => limitText(policy.ingress) },
              { header: 'EGRESS', value: (policy: QosPolicy) => limitText(policy.egress) },
              {
                header: 'ATTACHED',
                value: (policy: QosPolicy) => String(policy.attachments.length),
              },
              { header: 'STATUS', value: (policy: QosPolicy) => policy.status },
            ],
            page.qosPolicies,
          ),
        names: () => page.qosPolicies.map((policy) => policy.name),
      });
    },
  );
  withEtagOption(
    withRequestIdOption(
      withWaitOptions(
        withLimitOptions(
          apiCommand(
            group,
            'update <name>',
            'change a QoS policy: its display name or limits (every attachment is reshaped)',
          ),
        )
          .option('--display-name <text>', 'a new display name')
          .option('--clear-ingress', 'no longer limit ingress')
          .option('--clear-egress', 'no longer limit egress'),
      ),
    ),
  ).action(async (name: string, flags: Change & LimitFlags & { displayName?: string }) => {
    const ingress = limitOf(flags.ingressKbps, flags.ingressBurst);
    const egress = limitOf(flags.egressKbps, flags.egressBurst);
    const paths = [
      ...(flags.displayName === undefined ? [] : ['display_name']),
      ...(ingress || flags.clearIngress ? ['ingress'] : []),
      ...(egress || flags.clearEgress ? ['egress'] : []),
    ];
    await change(flags, name, (session, requestId) =>
      session.client.qosPolicies.updateQosPolicy({
        qosPolicy: policyBody({
          name,
          displayName: flags.displayName ?? '',
          ingress: ingress ?? null,
          egress: egress ?? null,
          etag: flags.etag ?? '',
        }),
        updateMask: paths,
        requestId,
      }),
    );
  });
  withEtagOption(
    withRequestIdOption(
      withWaitOptions(
        apiCommand(group, 'delete <name>', 'delete a QoS policy attached to nothing'),
      ),
    ),
  ).action((name: string, flags: Change) =>
    change(
      flags,
      name,
      (session, requestId) =>
        session.client.qosPolicies.deleteQosPolicy({ name, etag: flags.etag ?? '', requestId }),
      false,
    ),
  );
  for (const verb of ['attach', 'detach'] as const) {
    withEtagOption(
      withRequestIdOption(
        withWaitOptions(
          apiCommand(
            group,
            `${verb} <name> <resource>`,
            verb === 'attach'
              ? 'shape a port or floating IP by the policy'
              : 'remove the policy from a port or floating IP (and its shaping)',
          ),
        ),
      ),
    ).action((name: string, resource: string, flags: Change) =>
      change(flags, name, (session, requestId) => {
        const request = { name, resource, etag: flags.etag ?? '', requestId };
        return verb === 'attach'
          ? session.client.qosPolicies.attachQosPolicy(request)
          : session.client.qosPolicies.detachQosPolicy(request);
      }),
    );
  }
  return group;
}
