import { NotFoundError, PermissionDeniedError } from '@loom/errors';
import { decideAccess, type AccessAction } from './access.policy';
import type { Principal } from './principal';

/**
 * Applies the access policy for a handler: returns when allowed, otherwise throws the error the
 * API edge answers (NOT_FOUND naming `resourceName`, or PERMISSION_DENIED).
 */
export function enforceAccess(
  principal: Principal,
  action: AccessAction,
  targetTenant: string | undefined,
  resourceName: string,
): void {
  switch (decideAccess(principal, action, targetTenant)) {
    case 'allow':
      return;
    case 'deny-as-not-found':
      throw new NotFoundError(resourceName);
    case 'permission-denied':
      throw new PermissionDeniedError(
        `role ${principal.role} may not ${action === 'read' ? 'read' : 'change'} ${resourceName}`,
      );
  }
}
