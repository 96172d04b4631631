import { Controller, Inject } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { callMethodOf, principalOf, type Principal, type Role } from '@loom/access';
import {
  FabricServiceControllerMethods,
  type FabricDrift,
  type FabricServiceController,
  type GetFabricDriftRequest,
  type RepairFabricDriftRequest,
  type RepairFabricDriftResponse,
} from '@loom/api-contract';
import { FabricDriftService, PermissionDeniedError } from '@loom/network';
import { toFabricDrift } from './fabric-mapping';

/**
 * The fabric is shared by every tenant, so the tenant-scoped access policy does not fit it: drift
 * is for operators and the portal, and so is repair, which changes devices only towards what the
 * intent already says (it changes no tenant's resources, unlike the writes ops may not do).
 */
const allowed: Record<'read' | 'repair', readonly Role[]> = {
  read: ['portal', 'ops', 'auditor'],
  repair: ['portal', 'ops'],
};

function authorizeFabric(metadata: Metadata | undefined, action: 'read' | 'repair'): Principal {
  const principal = principalOf(metadata);
  if (!allowed[action].includes(principal.role)) {
    throw new PermissionDeniedError(
      `role ${principal.role} may not ${action === 'read' ? 'read the fabric drift' : 'repair the fabric'}`,
    );
  }
  return principal;
}

@Controller()
@FabricServiceControllerMethods()
export class FabricController implements FabricServiceController {
  constructor(@Inject(FabricDriftService) private readonly drift: FabricDriftService) {}

  async getFabricDrift(_request: GetFabricDriftRequest, metadata?: Metadata): Promise<FabricDrift> {
    authorizeFabric(metadata, 'read');
    return toFabricDrift(await this.drift.report());
  }

  async repairFabricDrift(
    request: RepairFabricDriftRequest,
    metadata?: Metadata,
  ): Promise<RepairFabricDriftResponse> {
    const principal = authorizeFabric(metadata, 'repair');
    const method = callMethodOf(metadata);
    const { repairId, sagaIds, unreachable } = await this.drift.repair(
      { reason: request.reason, devices: request.devices },
      {
        actor: `${principal.role}:${principal.subject}`,
        // The repair's own id becomes its events' correlation id.
        correlationId: '',
        ...(method === undefined ? {} : { method }),
      },
    );
    return { repairId, sagaIds: [...sagaIds], unreachableDevices: [...unreachable] };
  }
}
