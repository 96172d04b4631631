import { Controller, Inject } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import {
  ServiceIpServiceControllerMethods,
  ServiceIpStatus,
  type CreateServiceIpRequest,
  type DeleteServiceIpRequest,
  type GetServiceIpRequest,
  type ListServiceIpsRequest,
  type ListServiceIpsResponse,
  type Operation,
  type ServiceIp,
  type ServiceIpServiceController,
} from '@loom/api-contract';
import { parseTenantName, parseVpcName } from '@loom/names';
import {
  InvalidArgumentError,
  NetworkQueries,
  NotFoundError,
  serviceIpDecider,
  serviceIpName,
  streams,
  type NetworkServices,
  type ServiceIpState,
} from '@loom/network';
import { NETWORK_SERVICES } from '../../network/network.tokens';
import { normalizePageSize, PageTokenCodec } from '../shared';
import { authorize, readRequestId } from './call-context';
import { answerOperation } from './read-operation';

const suffix = '/serviceIp';
const isName = (value: unknown): value is string => typeof value === 'string';

/** `tenants/{t}/vpcs/{v}/serviceIp` -> the VPC's name parts. */
function parseServiceIpName(name: string, field = 'name') {
  if (!name.endsWith(suffix)) {
    throw new InvalidArgumentError([
      { field, description: 'must be tenants/{tenant}/vpcs/{vpc}/serviceIp' },
    ]);
  }
  return parseVpcName(name.slice(0, -suffix.length), field);
}

const statuses = {
  PENDING: ServiceIpStatus.SERVICE_IP_PENDING,
  ACTIVE: ServiceIpStatus.SERVICE_IP_ACTIVE,
  ERROR: ServiceIpStatus.SERVICE_IP_ERROR,
} as const;

export function toServiceIp(state: Extract<ServiceIpState, { status: 'Active' }>): ServiceIp {
  return {
    name: serviceIpName(state.tenantId, state.vpcId),
    prefixes: [...state.prefixes],
    address: state.address,
    block: state.block,
    node: state.node,
    status: statuses[state.serviceIpStatus],
    statusReason: state.statusReason,
    etag: `"${state.version}"`,
  };
}

/** VPC service IPs: a tenant's own, the portal's; ops and auditors read. */
@Controller()
@ServiceIpServiceControllerMethods()
export class ServiceIpController implements ServiceIpServiceController {
  constructor(
    @Inject(NETWORK_SERVICES) private readonly network: NetworkServices,
    @Inject(NetworkQueries) private readonly queries: NetworkQueries,
    @Inject(PageTokenCodec) private readonly pageTokens: PageTokenCodec,
  ) {}

  async createServiceIp(request: CreateServiceIpRequest, metadata?: Metadata): Promise<Operation> {
    const vpc = parseVpcName(request.parent, 'parent');
    const call = authorize(metadata, 'write', vpc.tenant, request.parent);
    const operation = await this.network.serviceIps.create(
      {
        tenantId: vpc.tenant,
        vpcId: vpc.vpc,
        prefixes: request.serviceIp?.prefixes ?? [],
        requestId: readRequestId(request.requestId),
      },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  async getServiceIp(request: GetServiceIpRequest, metadata?: Metadata): Promise<ServiceIp> {
    const vpc = parseServiceIpName(request.name);
    authorize(metadata, 'read', vpc.tenant, request.name);
    return this.read(vpc.tenant, vpc.vpc, request.name);
  }

  async listServiceIps(
    request: ListServiceIpsRequest,
    metadata?: Metadata,
  ): Promise<ListServiceIpsResponse> {
    const { tenant } = parseTenantName(request.parent, 'parent');
    authorize(metadata, 'read', tenant, request.parent);
    const scope = `ListServiceIps ${request.parent}`;
    const page = await this.queries.externalResources(
      'service-ip',
      request.parent,
      normalizePageSize(request.pageSize),
      this.pageTokens.decode(request.pageToken, scope, isName),
    );
    const serviceIps: ServiceIp[] = [];
    for (const row of page.rows) {
      const vpc = parseServiceIpName(row.name);
      serviceIps.push(await this.read(vpc.tenant, vpc.vpc, row.name));
    }
    return {
      serviceIps,
      nextPageToken:
        page.nextAfter === undefined ? '' : this.pageTokens.encode(page.nextAfter, scope),
    };
  }

  /** A service IP as its stream holds it (the read model only lists names). */
  private async read(tenantId: string, vpcId: string, name: string): Promise<ServiceIp> {
    const { state } = await this.network.aggregates.load(
      streams.serviceIp(tenantId, vpcId),
      serviceIpDecider,
    );
    if (state.status !== 'Active') throw new NotFoundError(name);
    return toServiceIp(state);
  }

  async deleteServiceIp(request: DeleteServiceIpRequest, metadata?: Metadata): Promise<Operation> {
    const vpc = parseServiceIpName(request.name);
    const call = authorize(metadata, 'write', vpc.tenant, request.name);
    const operation = await this.network.serviceIps.delete(
      { name: vpc, etag: request.etag, requestId: readRequestId(request.requestId) },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }
}
