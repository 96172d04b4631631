import { Controller, Inject } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import {
  FloatingIpServiceControllerMethods,
  type CreateFloatingIpRequest,
  type DeleteFloatingIpRequest,
  type FloatingIp,
  type FloatingIpServiceController,
  type GetFloatingIpRequest,
  type ListFloatingIpsRequest,
  type ListFloatingIpsResponse,
  type Operation,
  type UpdateFloatingIpRequest,
} from '@loom/api-contract';
import { parseTenantName } from '@loom/names';
import {
  floatingIpDecider,
  InvalidArgumentError,
  NetworkQueries,
  NotFoundError,
  streams,
  type NetworkServices,
} from '@loom/network';
import { NETWORK_SERVICES } from '../../network/network.tokens';
import { normalizePageSize, PageTokenCodec, readUpdateMask } from '../shared';
import { authorize, readRequestId } from './call-context';
import { parseExternalNetworkName } from './external-network.controller';
import { toFloatingIp } from './external-mapping';
import { answerOperation } from './read-operation';

const isName = (value: unknown): value is string => typeof value === 'string';

/** `tenants/{t}/floatingIps/{f}` -> its tenant and id. */
function parseFloatingIpName(name: string, field = 'name') {
  const match = /^tenants\/([a-z][a-z0-9-]{0,62})\/floatingIps\/([a-z][a-z0-9-]{0,62})$/.exec(name);
  if (!match?.[1] || !match[2]) {
    throw new InvalidArgumentError([
      { field, description: 'must be tenants/{tenant}/floatingIps/{floating_ip}' },
    ]);
  }
  return { tenant: match[1], floatingIp: match[2] };
}

/** Floating IPs: a tenant's own, the portal's; ops and auditors read. */
@Controller()
@FloatingIpServiceControllerMethods()
export class FloatingIpController implements FloatingIpServiceController {
  constructor(
    @Inject(NETWORK_SERVICES) private readonly network: NetworkServices,
    @Inject(NetworkQueries) private readonly queries: NetworkQueries,
    @Inject(PageTokenCodec) private readonly pageTokens: PageTokenCodec,
  ) {}

  async createFloatingIp(
    request: CreateFloatingIpRequest,
    metadata?: Metadata,
  ): Promise<Operation> {
    const { tenant } = parseTenantName(request.parent, 'parent');
    const call = authorize(metadata, 'write', tenant, request.parent);
    const body = request.floatingIp;
    const operation = await this.network.floatingIps.create(
      {
        tenantId: tenant,
        floatingIpId: request.floatingIpId,
        displayName: body?.displayName ?? '',
        externalNetworkId: parseExternalNetworkName(
          body?.externalNetwork ?? '',
          'floating_ip.external_network',
        ),
        address: body?.address ?? '',
        requestId: readRequestId(request.requestId),
      },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  async getFloatingIp(request: GetFloatingIpRequest, metadata?: Metadata): Promise<FloatingIp> {
    const name = parseFloatingIpName(request.name);
    authorize(metadata, 'read', name.tenant, request.name);
    return this.read(name.tenant, name.floatingIp, request.name);
  }

  async listFloatingIps(
    request: ListFloatingIpsRequest,
    metadata?: Metadata,
  ): Promise<ListFloatingIpsResponse> {
    const { tenant } = parseTenantName(request.parent, 'parent');
    authorize(metadata, 'read', tenant, request.parent);
    const scope = `ListFloatingIps ${request.parent}`;
    const page = await this.queries.externalResources(
      'floating-ip',
      request.parent,
      normalizePageSize(request.pageSize),
      this.pageTokens.decode(request.pageToken, scope, isName),
    );
    const floatingIps = [];
    for (const row of page.rows) {
      const name = parseFloatingIpName(row.name);
      floatingIps.push(await this.read(name.tenant, name.floatingIp, row.name));
    }
    return {
      floatingIps,
      nextPageToken:
        page.nextAfter === undefined ? '' : this.pageTokens.encode(page.nextAfter, scope),
    };
  }

  async updateFloatingIp(
    request: UpdateFloatingIpRequest,
    metadata?: Metadata,
  ): Promise<Operation> {
    const full = request.floatingIp?.name ?? '';
    const name = parseFloatingIpName(full, 'floating_ip.name');
    readUpdateMask(request.updateMask, ['port'] as const);
    const call = authorize(metadata, 'write', name.tenant, full);
    const operation = await this.network.floatingIps.associate(
      {
        tenantId: name.tenant,
        floatingIpId: name.floatingIp,
        port: request.floatingIp?.port ?? '',
        etag: request.floatingIp?.etag,
        requestId: readRequestId(request.requestId),
      },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  async deleteFloatingIp(
    request: DeleteFloatingIpRequest,
    metadata?: Metadata,
  ): Promise<Operation> {
    const name = parseFloatingIpName(request.name);
    const call = authorize(metadata, 'write', name.tenant, request.name);
    const operation = await this.network.floatingIps.delete(
      {
        tenantId: name.tenant,
        floatingIpId: name.floatingIp,
        etag: request.etag,
        requestId: readRequestId(request.requestId),
      },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  private async read(tenantId: string, floatingIpId: string, name: string): Promise<FloatingIp> {
    const { state } = await this.network.aggregates.load(
      streams.floatingIp(tenantId, floatingIpId),
      floatingIpDecider,
    );
    if (state.status !== 'Active') throw new NotFoundError(name);
    return toFloatingIp(state);
  }
}
