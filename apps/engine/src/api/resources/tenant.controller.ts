import { Controller, Inject } from '@nestjs/common';
import { principalOf } from '@loom/access';
import type { Metadata } from '@grpc/grpc-js';
import {
  TenantServiceControllerMethods,
  type CreateTenantRequest,
  type DeleteTenantRequest,
  type DeleteTenantResponse,
  type GetTenantRequest,
  type ListTenantsRequest,
  type ListTenantsResponse,
  type Tenant,
  type TenantServiceController,
  type UpdateTenantRequest,
} from '@loom/api-contract';
import { parseTenantName } from '@loom/names';
import {
  NetworkQueries,
  NotFoundError,
  tenantName,
  type NetworkServices,
  type Quota,
} from '@loom/network';
import { NETWORK_SERVICES } from '../../network/network.tokens';
import { normalizePageSize, PageTokenCodec, readUpdateMask } from '../shared';
import { authorize, readRequestId } from './call-context';
import { toTenant } from './resource-mapping';

const isName = (value: unknown): value is string => typeof value === 'string';

function quotaOf(quota: Tenant['quota']): Quota {
  return {
    vpcs: quota?.vpcs ?? 0,
    subnets: quota?.subnets ?? 0,
    ports: quota?.ports ?? 0,
    floatingIps: quota?.floatingIps ?? 0,
  };
}

@Controller()
@TenantServiceControllerMethods()
export class TenantController implements TenantServiceController {
  constructor(
    @Inject(NETWORK_SERVICES) private readonly network: NetworkServices,
    @Inject(NetworkQueries) private readonly queries: NetworkQueries,
    @Inject(PageTokenCodec) private readonly pageTokens: PageTokenCodec,
  ) {}

  async createTenant(request: CreateTenantRequest, metadata?: Metadata): Promise<Tenant> {
    const name = tenantName(request.tenantId);
    const call = authorize(metadata, 'admin-write', request.tenantId, name);
    const created = await this.network.tenants.create(
      {
        tenantId: request.tenantId,
        displayName: request.tenant?.displayName ?? '',
        quota: quotaOf(request.tenant?.quota ?? null),
        requestId: readRequestId(request.requestId),
      },
      call.request,
    );
    const row = await this.queries.tenant(name);
    if (row) return toTenant(row);
    // Deleted since an earlier attempt created it: a retry still gets the first response.
    if (created.retried) return toTenant(created.asCreated);
    throw new NotFoundError(name);
  }

  async getTenant(request: GetTenantRequest, metadata?: Metadata): Promise<Tenant> {
    const { tenant } = parseTenantName(request.name);
    authorize(metadata, 'read', tenant, request.name);
    return this.read(request.name);
  }

  async listTenants(
    request: ListTenantsRequest,
    metadata?: Metadata,
  ): Promise<ListTenantsResponse> {
    const size = normalizePageSize(request.pageSize);
    const after = this.pageTokens.decode(request.pageToken, 'ListTenants', isName);
    // A tenant token sees exactly one tenant: its own; other roles list them all.
    const caller = principalOf(metadata);
    const call = authorize(
      metadata,
      'read',
      caller.role === 'tenant' ? caller.tenant : undefined,
      'tenants',
    );
    if (call.principal.role === 'tenant') {
      const own =
        after === undefined
          ? await this.queries.tenant(tenantName(call.principal.tenant))
          : undefined;
      return { tenants: own ? [toTenant(own)] : [], nextPageToken: '' };
    }
    const page = await this.queries.tenants(size, after);
    return {
      tenants: page.rows.map(toTenant),
      nextPageToken:
        page.nextAfter === undefined ? '' : this.pageTokens.encode(page.nextAfter, 'ListTenants'),
    };
  }

  async updateTenant(request: UpdateTenantRequest, metadata?: Metadata): Promise<Tenant> {
    const name = request.tenant?.name ?? '';
    const tenant = parseTenantName(name, 'tenant.name');
    const paths = readUpdateMask(request.updateMask, ['display_name', 'quota'] as const);
    const call = authorize(
      metadata,
      paths.includes('quota') ? 'admin-write' : 'write',
      tenant.tenant,
      name,
    );
    await this.network.tenants.update(
      {
        name: tenant,
        displayName: paths.includes('display_name')
          ? (request.tenant?.displayName ?? '')
          : undefined,
        quota: paths.includes('quota') ? quotaOf(request.tenant?.quota ?? null) : undefined,
        etag: request.tenant?.etag,
      },
      call.request,
    );
    return this.read(name);
  }

  async deleteTenant(
    request: DeleteTenantRequest,
    metadata?: Metadata,
  ): Promise<DeleteTenantResponse> {
    const tenant = parseTenantName(request.name);
    const call = authorize(metadata, 'admin-write', tenant.tenant, request.name);
    await this.network.tenants.delete({ name: tenant, etag: request.etag }, call.request);
    return {};
  }

  private async read(name: string): Promise<Tenant> {
    const row = await this.queries.tenant(name);
    if (!row) throw new NotFoundError(name);
    return toTenant(row);
  }
}
