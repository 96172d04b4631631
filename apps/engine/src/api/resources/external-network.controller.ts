import { Controller, Inject } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { principalOf } from '@loom/access';
import {
  ExternalNetworkServiceControllerMethods,
  type CreateExternalNetworkRequest,
  type DeleteExternalNetworkRequest,
  type DeleteExternalNetworkResponse,
  type ExternalNetwork,
  type ExternalNetworkServiceController,
  type GetExternalNetworkRequest,
  type ListExternalNetworksRequest,
  type ListExternalNetworksResponse,
  type UpdateExternalNetworkRequest,
} from '@loom/api-contract';
import {
  externalNetworkDecider,
  InvalidArgumentError,
  NetworkQueries,
  NotFoundError,
  streams,
  type NetworkServices,
} from '@loom/network';
import { NETWORK_SERVICES } from '../../network/network.tokens';
import { normalizePageSize, PageTokenCodec, readUpdateMask } from '../shared';
import { authorize, readRequestId } from './call-context';
import { toExternalNetwork } from './external-mapping';

const isName = (value: unknown): value is string => typeof value === 'string';

/** `externalNetworks/{id}` -> id; anything else is INVALID_ARGUMENT naming the field. */
export function parseExternalNetworkName(name: string, field = 'name'): string {
  const match = /^externalNetworks\/([a-z](?:[a-z0-9-]{0,61}[a-z0-9])?)$/.exec(name);
  if (!match?.[1]) {
    throw new InvalidArgumentError([
      { field, description: 'must be externalNetworks/{external_network}' },
    ]);
  }
  return match[1];
}

/**
 * External networks: the portal creates, changes and deletes them (admin-write); every role
 * reads them, a tenant without their internals.
 */
@Controller()
@ExternalNetworkServiceControllerMethods()
export class ExternalNetworkController implements ExternalNetworkServiceController {
  constructor(
    @Inject(NETWORK_SERVICES) private readonly network: NetworkServices,
    @Inject(NetworkQueries) private readonly queries: NetworkQueries,
    @Inject(PageTokenCodec) private readonly pageTokens: PageTokenCodec,
  ) {}

  async createExternalNetwork(
    request: CreateExternalNetworkRequest,
    metadata?: Metadata,
  ): Promise<ExternalNetwork> {
    const call = authorize(metadata, 'admin-write', undefined, 'externalNetworks');
    const body = request.externalNetwork;
    const name = await this.network.externalNetworks.create(
      {
        externalNetworkId: request.externalNetworkId,
        displayName: body?.displayName ?? '',
        pools: body?.pools ?? [],
        gatewayNodes: body?.gatewayNodes ?? [],
        upstreamPeers: (body?.upstreamPeers ?? []).map(({ address, asn }) => ({ address, asn })),
        requestId: readRequestId(request.requestId),
      },
      call.request,
    );
    return this.read(name, true);
  }

  async getExternalNetwork(
    request: GetExternalNetworkRequest,
    metadata?: Metadata,
  ): Promise<ExternalNetwork> {
    return this.read(request.name, this.readsInternals(metadata, request.name));
  }

  async listExternalNetworks(
    request: ListExternalNetworksRequest,
    metadata?: Metadata,
  ): Promise<ListExternalNetworksResponse> {
    const internals = this.readsInternals(metadata, 'externalNetworks');
    const scope = 'ListExternalNetworks';
    const page = await this.queries.externalResources(
      'external-network',
      '',
      normalizePageSize(request.pageSize),
      this.pageTokens.decode(request.pageToken, scope, isName),
    );
    const externalNetworks = [];
    for (const row of page.rows) externalNetworks.push(await this.read(row.name, internals));
    return {
      externalNetworks,
      nextPageToken:
        page.nextAfter === undefined ? '' : this.pageTokens.encode(page.nextAfter, scope),
    };
  }

  async updateExternalNetwork(
    request: UpdateExternalNetworkRequest,
    metadata?: Metadata,
  ): Promise<ExternalNetwork> {
    const name = request.externalNetwork?.name ?? '';
    const externalNetworkId = parseExternalNetworkName(name, 'external_network.name');
    const paths = readUpdateMask(request.updateMask, ['display_name'] as const);
    const call = authorize(metadata, 'admin-write', undefined, name);
    await this.network.externalNetworks.update(
      {
        externalNetworkId,
        displayName: paths.includes('display_name')
          ? (request.externalNetwork?.displayName ?? '')
          : undefined,
        etag: request.externalNetwork?.etag,
      },
      call.request,
    );
    return this.read(name, true);
  }

  async deleteExternalNetwork(
    request: DeleteExternalNetworkRequest,
    metadata?: Metadata,
  ): Promise<DeleteExternalNetworkResponse> {
    const externalNetworkId = parseExternalNetworkName(request.name);
    const call = authorize(metadata, 'admin-write', undefined, request.name);
    await this.network.externalNetworks.delete(
      { externalNetworkId, etag: request.etag },
      call.request,
    );
    return {};
  }

  /** Every role reads; a tenant (read in its own scope) gets no internals. */
  private readsInternals(metadata: Metadata | undefined, name: string): boolean {
    const principal = principalOf(metadata);
    authorize(metadata, 'read', principal.role === 'tenant' ? principal.tenant : undefined, name);
    return principal.role !== 'tenant';
  }

  private async read(name: string, internals: boolean): Promise<ExternalNetwork> {
    const id = parseExternalNetworkName(name);
    const { state } = await this.network.aggregates.load(
      streams.externalNetwork(id),
      externalNetworkDecider,
    );
    if (state.status !== 'Active') throw new NotFoundError(name);
    return toExternalNetwork(state, internals);
  }
}
