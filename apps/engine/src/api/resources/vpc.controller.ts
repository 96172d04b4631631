import { Controller, Inject } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import {
  VpcServiceControllerMethods,
  type CreateVpcRequest,
  type DeleteVpcRequest,
  type GetVpcRequest,
  type ListVpcsRequest,
  type ListVpcsResponse,
  type Operation,
  type UpdateVpcRequest,
  type Vpc,
  type VpcServiceController,
} from '@loom/api-contract';
import { formatVpcName, parseTenantName, parseVpcName } from '@loom/names';
import { NetworkQueries, NotFoundError, type NetworkServices } from '@loom/network';
import { NETWORK_SERVICES } from '../../network/network.tokens';
import { normalizePageSize, PageTokenCodec, readUpdateMask } from '../shared';
import { authorize, readRequestId } from './call-context';
import { answerOperation } from './read-operation';
import { toVpc } from './resource-mapping';

const isName = (value: unknown): value is string => typeof value === 'string';

@Controller()
@VpcServiceControllerMethods()
export class VpcController implements VpcServiceController {
  constructor(
    @Inject(NETWORK_SERVICES) private readonly network: NetworkServices,
    @Inject(NetworkQueries) private readonly queries: NetworkQueries,
    @Inject(PageTokenCodec) private readonly pageTokens: PageTokenCodec,
  ) {}

  async createVpc(request: CreateVpcRequest, metadata?: Metadata): Promise<Operation> {
    const { tenant } = parseTenantName(request.parent, 'parent');
    const call = authorize(metadata, 'write', tenant, request.parent);
    const operation = await this.network.vpcs.create(
      {
        tenantId: tenant,
        vpcId: request.vpcId,
        displayName: request.vpc?.displayName ?? '',
        cidrBlocks: request.vpc?.cidrBlocks ?? [],
        requestId: readRequestId(request.requestId),
      },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  async getVpc(request: GetVpcRequest, metadata?: Metadata): Promise<Vpc> {
    const { tenant } = parseVpcName(request.name);
    authorize(metadata, 'read', tenant, request.name);
    return this.read(request.name);
  }

  async listVpcs(request: ListVpcsRequest, metadata?: Metadata): Promise<ListVpcsResponse> {
    const { tenant } = parseTenantName(request.parent, 'parent');
    authorize(metadata, 'read', tenant, request.parent);
    const size = normalizePageSize(request.pageSize);
    const scope = `ListVpcs ${request.parent}`;
    const page = await this.queries.vpcs(
      request.parent,
      size,
      this.pageTokens.decode(request.pageToken, scope, isName),
    );
    return {
      vpcs: page.rows.map(toVpc),
      nextPageToken:
        page.nextAfter === undefined ? '' : this.pageTokens.encode(page.nextAfter, scope),
    };
  }

  async updateVpc(request: UpdateVpcRequest, metadata?: Metadata): Promise<Vpc> {
    const name = request.vpc?.name ?? '';
    const vpc = parseVpcName(name, 'vpc.name');
    const paths = readUpdateMask(request.updateMask, ['display_name'] as const);
    const call = authorize(metadata, 'write', vpc.tenant, name);
    const displayName = paths.includes('display_name')
      ? (request.vpc?.displayName ?? '')
      : undefined;
    await this.network.vpcs.update(
      { name: vpc, displayName, etag: request.vpc?.etag },
      call.request,
    );
    return this.read(formatVpcName(vpc));
  }

  async deleteVpc(request: DeleteVpcRequest, metadata?: Metadata): Promise<Operation> {
    const vpc = parseVpcName(request.name);
    const call = authorize(metadata, 'write', vpc.tenant, request.name);
    const operation = await this.network.vpcs.delete(
      { name: vpc, etag: request.etag, requestId: readRequestId(request.requestId) },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  private async read(name: string): Promise<Vpc> {
    const row = await this.queries.vpc(name);
    if (!row) throw new NotFoundError(name);
    return toVpc(row);
  }
}
