import { Controller, Inject } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import {
  PortServiceControllerMethods,
  type CreatePortRequest,
  type DeletePortRequest,
  type GetPortRequest,
  type ListPortsRequest,
  type ListPortsResponse,
  type Operation,
  type Port,
  type PortServiceController,
  type UpdatePortRequest,
} from '@loom/api-contract';
import { formatPortName, parsePortName, parseSubnetName } from '@loom/names';
import { NetworkQueries, NotFoundError, type NetworkServices } from '@loom/network';
import { NETWORK_SERVICES } from '../../network/network.tokens';
import { normalizePageSize, PageTokenCodec, readUpdateMask } from '../shared';
import { authorize, readRequestId } from './call-context';
import { answerOperation } from './read-operation';
import { toPort } from './resource-mapping';

const isName = (value: unknown): value is string => typeof value === 'string';

@Controller()
@PortServiceControllerMethods()
export class PortController implements PortServiceController {
  constructor(
    @Inject(NETWORK_SERVICES) private readonly network: NetworkServices,
    @Inject(NetworkQueries) private readonly queries: NetworkQueries,
    @Inject(PageTokenCodec) private readonly pageTokens: PageTokenCodec,
  ) {}

  async createPort(request: CreatePortRequest, metadata?: Metadata): Promise<Operation> {
    const { tenant, vpc, subnet } = parseSubnetName(request.parent, 'parent');
    const call = authorize(metadata, 'write', tenant, request.parent);
    const port = request.port;
    const operation = await this.network.ports.create(
      {
        tenantId: tenant,
        vpcId: vpc,
        subnetId: subnet,
        portId: request.portId,
        displayName: port?.displayName ?? '',
        kind: port?.kind ?? '',
        fixedIp: port?.fixedIp ?? '',
        macAddress: port?.macAddress ?? '',
        binding: port?.binding
          ? {
              host: port.binding.host,
              leafSwitch: port.binding.leafSwitch,
              interface: port.binding.interface,
              vlan: port.binding.vlan,
            }
          : undefined,
        requestId: readRequestId(request.requestId),
      },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  async getPort(request: GetPortRequest, metadata?: Metadata): Promise<Port> {
    const { tenant } = parsePortName(request.name);
    authorize(metadata, 'read', tenant, request.name);
    return this.read(request.name);
  }

  async listPorts(request: ListPortsRequest, metadata?: Metadata): Promise<ListPortsResponse> {
    const { tenant } = parseSubnetName(request.parent, 'parent');
    authorize(metadata, 'read', tenant, request.parent);
    const size = normalizePageSize(request.pageSize);
    const scope = `ListPorts ${request.parent}`;
    const page = await this.queries.ports(
      request.parent,
      size,
      this.pageTokens.decode(request.pageToken, scope, isName),
    );
    return {
      ports: page.rows.map(toPort),
      nextPageToken:
        page.nextAfter === undefined ? '' : this.pageTokens.encode(page.nextAfter, scope),
    };
  }

  async updatePort(request: UpdatePortRequest, metadata?: Metadata): Promise<Port> {
    const name = request.port?.name ?? '';
    const port = parsePortName(name, 'port.name');
    const paths = readUpdateMask(request.updateMask, ['display_name'] as const);
    const call = authorize(metadata, 'write', port.tenant, name);
    const displayName = paths.includes('display_name')
      ? (request.port?.displayName ?? '')
      : undefined;
    await this.network.ports.update(
      { name: port, displayName, etag: request.port?.etag },
      call.request,
    );
    return this.read(formatPortName(port));
  }

  async deletePort(request: DeletePortRequest, metadata?: Metadata): Promise<Operation> {
    const port = parsePortName(request.name);
    const call = authorize(metadata, 'write', port.tenant, request.name);
    const operation = await this.network.ports.delete(
      { name: port, etag: request.etag, requestId: readRequestId(request.requestId) },
      call.request,
    );
    return answerOperation(this.queries, operation);
  }

  private async read(name: string): Promise<Port> {
    const row = await this.queries.port(name);
    if (!row) throw new NotFoundError(name);
    return toPort(row);
  }
}
