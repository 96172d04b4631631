import { Controller, Inject } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import {
  SubnetServiceControllerMethods,
  type CreateSubnetRequest,
  type DeleteSubnetRequest,
  type GetSubnetRequest,
  type ListSubnetsRequest,
  type ListSubnetsResponse,
  type Operation,
  type Subnet,
  type SubnetServiceController,
  type UpdateSubnetRequest,
} from '@loom/api-contract';
import { formatSubnetName, parseSubnetName, parseVpcName } from '@loom/names';
import { NetworkQueries, NotFoundError, type NetworkServices } from '@loom/network';
import { NETWORK_SERVICES } from '../../network/network.tokens';
import { normalizePageSize, PageTokenCodec, readUpdateMask } from '../shared';
import { authorize, readRequestId } from './call-context';
import { answerOperation } from './read-operation';
import { toSubnet } from './resource-mapping';

const isName = (value: unknown): value is string => typeof value === 'string';

@Controller()
@SubnetServiceControllerMethods()
export class SubnetController implements SubnetServiceController {
  constructor(
    @Inject(NETWORK_SERVICES) private readonly network: NetworkServices,
    @Inject(NetworkQueries) private readonly queries: NetworkQueries,
    @Inject(PageTokenCodec) private readonly pageTokens: PageTokenCodec,
  ) {}

  async createSubnet(request: CreateSubnetRequest, metadata?: Metadata): Promise<Operation> {
    const { tenant, vpc } = parseVpcName(request.parent, 'parent');
    const call = authorize(metadata, 'write', tenant, request.parent);
    const operation = await this.network.subnets.create(
      {
        tenantId: tenant,
        vpcId: vpc,
        subnetId: request.subnetId,
        displayName: request.subnet?.displayName ?? '',
        cidr: request.subnet?.cidr ?? '',
        gatewayIp: request.subnet?.gatewayIp ?? '',
        requestId: readRequestId(request.requestId),
      },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  async getSubnet(request: GetSubnetRequest, metadata?: Metadata): Promise<Subnet> {
    const { tenant } = parseSubnetName(request.name);
    authorize(metadata, 'read', tenant, request.name);
    return this.read(request.name);
  }

  async listSubnets(
    request: ListSubnetsRequest,
    metadata?: Metadata,
  ): Promise<ListSubnetsResponse> {
    const { tenant } = parseVpcName(request.parent, 'parent');
    authorize(metadata, 'read', tenant, request.parent);
    const size = normalizePageSize(request.pageSize);
    const scope = `ListSubnets ${request.parent}`;
    const page = await this.queries.subnets(
      request.parent,
      size,
      this.pageTokens.decode(request.pageToken, scope, isName),
    );
    return {
      subnets: page.rows.map(toSubnet),
      nextPageToken:
        page.nextAfter === undefined ? '' : this.pageTokens.encode(page.nextAfter, scope),
    };
  }

  async updateSubnet(request: UpdateSubnetRequest, metadata?: Metadata): Promise<Subnet> {
    const name = request.subnet?.name ?? '';
    const subnet = parseSubnetName(name, 'subnet.name');
    const paths = readUpdateMask(request.updateMask, ['display_name'] as const);
    const call = authorize(metadata, 'write', subnet.tenant, name);
    const displayName = paths.includes('display_name')
      ? (request.subnet?.displayName ?? '')
      : undefined;
    await this.network.subnets.update(
      { name: subnet, displayName, etag: request.subnet?.etag },
      call.request,
    );
    return this.read(formatSubnetName(subnet));
  }

  async deleteSubnet(request: DeleteSubnetRequest, metadata?: Metadata): Promise<Operation> {
    const subnet = parseSubnetName(request.name);
    const call = authorize(metadata, 'write', subnet.tenant, request.name);
    const operation = await this.network.subnets.delete(
      { name: subnet, etag: request.etag, requestId: readRequestId(request.requestId) },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  private async read(name: string): Promise<Subnet> {
    const row = await this.queries.subnet(name);
    if (!row) throw new NotFoundError(name);
    return toSubnet(row);
  }
}
