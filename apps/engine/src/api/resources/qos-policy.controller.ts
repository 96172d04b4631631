import { Controller, Inject } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import {
  QosPolicyServiceControllerMethods,
  type AttachQosPolicyRequest,
  type CreateQosPolicyRequest,
  type DeleteQosPolicyRequest,
  type DetachQosPolicyRequest,
  type GetQosPolicyRequest,
  type ListQosPoliciesRequest,
  type ListQosPoliciesResponse,
  type Operation,
  type QosPolicy,
  type QosPolicyServiceController,
  type UpdateQosPolicyRequest,
} from '@loom/api-contract';
import { parseTenantName } from '@loom/names';
import {
  InvalidArgumentError,
  NetworkQueries,
  NotFoundError,
  qosPolicyDecider,
  streams,
  type NetworkServices,
} from '@loom/network';
import { NETWORK_SERVICES } from '../../network/network.tokens';
import { normalizePageSize, PageTokenCodec, readUpdateMask } from '../shared';
import { authorize, readRequestId } from './call-context';
import { fromQosLimit, toQosPolicy } from './qos-mapping';
import { answerOperation } from './read-operation';

const isName = (value: unknown): value is string => typeof value === 'string';

/** `tenants/{t}/qosPolicies/{q}` -> its tenant and id. */
function parseQosPolicyName(name: string, field = 'name') {
  const match = /^tenants\/([a-z][a-z0-9-]{0,62})\/qosPolicies\/([a-z][a-z0-9-]{0,62})$/.exec(name);
  if (!match?.[1] || !match[2]) {
    throw new InvalidArgumentError([
      { field, description: 'must be tenants/{tenant}/qosPolicies/{qos_policy}' },
    ]);
  }
  return { tenant: match[1], qosPolicy: match[2] };
}

/** QoS policies: a tenant's own, the portal's; ops and auditors read. */
@Controller()
@QosPolicyServiceControllerMethods()
export class QosPolicyController implements QosPolicyServiceController {
  constructor(
    @Inject(NETWORK_SERVICES) private readonly network: NetworkServices,
    @Inject(NetworkQueries) private readonly queries: NetworkQueries,
    @Inject(PageTokenCodec) private readonly pageTokens: PageTokenCodec,
  ) {}

  async createQosPolicy(request: CreateQosPolicyRequest, metadata?: Metadata): Promise<Operation> {
    const { tenant } = parseTenantName(request.parent, 'parent');
    const call = authorize(metadata, 'write', tenant, request.parent);
    const body = request.qosPolicy;
    const operation = await this.network.qosPolicies.create(
      {
        tenantId: tenant,
        qosPolicyId: request.qosPolicyId,
        displayName: body?.displayName ?? '',
        ingress: fromQosLimit(body?.ingress),
        egress: fromQosLimit(body?.egress),
        requestId: readRequestId(request.requestId),
      },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  async getQosPolicy(request: GetQosPolicyRequest, metadata?: Metadata): Promise<QosPolicy> {
    const name = parseQosPolicyName(request.name);
    authorize(metadata, 'read', name.tenant, request.name);
    return this.read(name.tenant, name.qosPolicy, request.name);
  }

  async listQosPolicies(
    request: ListQosPoliciesRequest,
    metadata?: Metadata,
  ): Promise<ListQosPoliciesResponse> {
    const { tenant } = parseTenantName(request.parent, 'parent');
    authorize(metadata, 'read', tenant, request.parent);
    const scope = `ListQosPolicies ${request.parent}`;
    const page = await this.queries.qosPolicies(
      request.parent,
      normalizePageSize(request.pageSize),
      this.pageTokens.decode(request.pageToken, scope, isName),
    );
    const qosPolicies = [];
    for (const row of page.rows) {
      const name = parseQosPolicyName(row.name);
      qosPolicies.push(await this.read(name.tenant, name.qosPolicy, row.name));
    }
    return {
      qosPolicies,
      nextPageToken:
        page.nextAfter === undefined ? '' : this.pageTokens.encode(page.nextAfter, scope),
    };
  }

  async updateQosPolicy(request: UpdateQosPolicyRequest, metadata?: Metadata): Promise<Operation> {
    const body = request.qosPolicy;
    const full = body?.name ?? '';
    const name = parseQosPolicyName(full, 'qos_policy.name');
    const paths = readUpdateMask(request.updateMask, [
      'display_name',
      'ingress',
      'egress',
    ] as const);
    const call = authorize(metadata, 'write', name.tenant, full);
    // A limit the mask names is set as given; absent from the policy, it is removed.
    const limit = (path: 'ingress' | 'egress') =>
      paths.includes(path) ? { [path]: fromQosLimit(body?.[path]) ?? null } : {};
    const operation = await this.network.qosPolicies.update(
      {
        tenantId: name.tenant,
        qosPolicyId: name.qosPolicy,
        ...(paths.includes('display_name') ? { displayName: body?.displayName ?? '' } : {}),
        ...limit('ingress'),
        ...limit('egress'),
        etag: body?.etag,
        requestId: readRequestId(request.requestId),
      },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  async deleteQosPolicy(request: DeleteQosPolicyRequest, metadata?: Metadata): Promise<Operation> {
    const name = parseQosPolicyName(request.name);
    const call = authorize(metadata, 'write', name.tenant, request.name);
    const operation = await this.network.qosPolicies.delete(
      {
        tenantId: name.tenant,
        qosPolicyId: name.qosPolicy,
        etag: request.etag,
        requestId: readRequestId(request.requestId),
      },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  async attachQosPolicy(request: AttachQosPolicyRequest, metadata?: Metadata): Promise<Operation> {
    return this.changeAttachment('attach', request, metadata);
  }

  async detachQosPolicy(request: DetachQosPolicyRequest, metadata?: Metadata): Promise<Operation> {
    return this.changeAttachment('detach', request, metadata);
  }

  private async changeAttachment(
    change: 'attach' | 'detach',
    request: AttachQosPolicyRequest | DetachQosPolicyRequest,
    metadata?: Metadata,
  ): Promise<Operation> {
    const name = parseQosPolicyName(request.name);
    const call = authorize(metadata, 'write', name.tenant, request.name);
    const operation = await this.network.qosPolicies[change](
      {
        tenantId: name.tenant,
        qosPolicyId: name.qosPolicy,
        resource: request.resource,
        etag: request.etag,
        requestId: readRequestId(request.requestId),
      },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  private async read(tenantId: string, qosPolicyId: string, name: string): Promise<QosPolicy> {
    const { state } = await this.network.aggregates.load(
      streams.qosPolicy(tenantId, qosPolicyId),
      qosPolicyDecider,
    );
    if (state.status !== 'Active') throw new NotFoundError(name);
    return toQosPolicy(state);
  }
}
