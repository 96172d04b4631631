import type { Principal } from './principal';

/**
 * `write` changes a tenant's resources (VPCs, subnets, ports...); `admin-write` changes what only
 * the cloud provider decides (creating or deleting tenants, quotas).
 */
export type AccessAction = 'read' | 'write' | 'admin-write';

/**
 * `deny-as-not-found` is answered NOT_FOUND, exactly as for a resource that does not exist, so a
 * tenant cannot learn what other tenants have.
 */
export type AccessDecision = 'allow' | 'deny-as-not-found' | 'permission-denied';

/**
 * Whether `principal` may do `action` on the resources of `targetTenant` (undefined: a request that
 * is not about one tenant, such as listing all tenants). Pure: no framework, no I/O.
 *
 * - portal: everything.
 * - ops, auditor: read anything, change nothing.
 * - tenant: read and write its own tenant's resources; other tenants' resources do not exist for
 *   it; never admin-write (refused before looking at the target, so that refusal reveals nothing);
 *   no cross-tenant requests (a handler that lists for a tenant asks about the tenant's own id).
 */
export function decideAccess(
  principal: Principal,
  action: AccessAction,
  targetTenant: string | undefined,
): AccessDecision {
  switch (principal.role) {
    case 'portal':
      return 'allow';
    case 'ops':
    case 'auditor':
      return action === 'read' ? 'allow' : 'permission-denied';
    case 'tenant':
      if (action === 'admin-write') return 'permission-denied';
      if (targetTenant === undefined) return 'permission-denied';
      return targetTenant === principal.tenant ? 'allow' : 'deny-as-not-found';
  }
}
