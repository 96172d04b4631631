import { Controller, Inject } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import {
  ExternalGatewayServiceControllerMethods,
  type CreateExternalGatewayRequest,
  type DeleteExternalGatewayRequest,
  type ExternalGateway,
  type ExternalGatewayServiceController,
  type GetExternalGatewayRequest,
  type ListExternalGatewaysRequest,
  type ListExternalGatewaysResponse,
  type Operation,
} from '@loom/api-contract';
import { parseTenantName, parseVpcName } from '@loom/names';
import {
  externalGatewayDecider,
  InvalidArgumentError,
  NetworkQueries,
  NotFoundError,
  streams,
  type NetworkServices,
} from '@loom/network';
import { NETWORK_SERVICES } from '../../network/network.tokens';
import { normalizePageSize, PageTokenCodec } from '../shared';
import { authorize, readRequestId } from './call-context';
import { parseExternalNetworkName } from './external-network.controller';
import { toExternalGateway } from './external-mapping';
import { answerOperation } from './read-operation';

const isName = (value: unknown): value is string => typeof value === 'string';
const suffix = '/externalGateway';

/** `tenants/{t}/vpcs/{v}/externalGateway` -> the VPC's name parts. */
function parseGatewayName(name: string, field = 'name') {
  if (!name.endsWith(suffix)) {
    throw new InvalidArgumentError([
      { field, description: 'must be tenants/{tenant}/vpcs/{vpc}/externalGateway' },
    ]);
  }
  return parseVpcName(name.slice(0, -suffix.length), field);
}

/** VPC external gateways: a tenant's own, the portal's; ops and auditors read. */
@Controller()
@ExternalGatewayServiceControllerMethods()
export class ExternalGatewayController implements ExternalGatewayServiceController {
  constructor(
    @Inject(NETWORK_SERVICES) private readonly network: NetworkServices,
    @Inject(NetworkQueries) private readonly queries: NetworkQueries,
    @Inject(PageTokenCodec) private readonly pageTokens: PageTokenCodec,
  ) {}

  async createExternalGateway(
    request: CreateExternalGatewayRequest,
    metadata?: Metadata,
  ): Promise<Operation> {
    const vpc = parseVpcName(request.parent, 'parent');
    const call = authorize(metadata, 'write', vpc.tenant, request.parent);
    const network = request.externalGateway?.externalNetwork ?? '';
    const operation = await this.network.externalGateways.create(
      {
        tenantId: vpc.tenant,
        vpcId: vpc.vpc,
        externalNetworkId: parseExternalNetworkName(network, 'external_gateway.external_network'),
        requestId: readRequestId(request.requestId),
      },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  async getExternalGateway(
    request: GetExternalGatewayRequest,
    metadata?: Metadata,
  ): Promise<ExternalGateway> {
    const vpc = parseGatewayName(request.name);
    authorize(metadata, 'read', vpc.tenant, request.name);
    return this.read(vpc.tenant, vpc.vpc, request.name);
  }

  async listExternalGateways(
    request: ListExternalGatewaysRequest,
    metadata?: Metadata,
  ): Promise<ListExternalGatewaysResponse> {
    const { tenant } = parseTenantName(request.parent, 'parent');
    authorize(metadata, 'read', tenant, request.parent);
    const scope = `ListExternalGateways ${request.parent}`;
    const page = await this.queries.externalResources(
      'external-gateway',
      request.parent,
      normalizePageSize(request.pageSize),
      this.pageTokens.decode(request.pageToken, scope, isName),
    );
    const externalGateways = [];
    for (const row of page.rows) {
      const vpc = parseGatewayName(row.name);
      externalGateways.push(await this.read(vpc.tenant, vpc.vpc, row.name));
    }
    return {
      externalGateways,
      nextPageToken:
        page.nextAfter === undefined ? '' : this.pageTokens.encode(page.nextAfter, scope),
    };
  }

  async deleteExternalGateway(
    request: DeleteExternalGatewayRequest,
    metadata?: Metadata,
  ): Promise<Operation> {
    const vpc = parseGatewayName(request.name);
    const call = authorize(metadata, 'write', vpc.tenant, request.name);
    const operation = await this.network.externalGateways.delete(
      { name: vpc, etag: request.etag, requestId: readRequestId(request.requestId) },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  private async read(tenantId: string, vpcId: string, name: string): Promise<ExternalGateway> {
    const { state } = await this.network.aggregates.load(
      streams.externalGateway(tenantId, vpcId),
      externalGatewayDecider,
    );
    if (state.status !== 'Active') throw new NotFoundError(name);
    return toExternalGateway(state);
  }
}
