import type { AccessRow, CodeName } from './access-table';

export type MatrixRole = 'portal' | 'tenant' | 'ops' | 'auditor';
/** own: the tenant token's tenant; other: another existing tenant; none: no such tenant. */
export type TargetKind = 'own' | 'other' | 'none';

/**
 * What the README's access table promises, cell by cell (written out here, not taken from the
 * engine's policy code, so that a change to either shows): portal everything; tenant its own
 * tenant's resources, others' NOT_FOUND, never admin or fabric work; ops and auditors read,
 * ops also repair the fabric.
 */
export function expectedCode(row: AccessRow, role: MatrixRole, target: TargetKind): CodeName {
  const allowed = target === 'none' ? row.allowed.none : row.allowed.exists;
  switch (row.kind) {
    case 'read':
      if (role !== 'tenant') return allowed;
      return target === 'own' ? row.allowed.exists : 'NOT_FOUND';
    case 'write':
      if (role === 'portal') return allowed;
      if (role === 'tenant') return target === 'own' ? row.allowed.exists : 'NOT_FOUND';
      return 'PERMISSION_DENIED';
    case 'admin-write':
      return role === 'portal' ? allowed : 'PERMISSION_DENIED';
    case 'public-read':
      return allowed;
    case 'fabric-read':
      return role === 'tenant' ? 'PERMISSION_DENIED' : allowed;
    case 'fabric-repair':
      return role === 'portal' || role === 'ops' ? allowed : 'PERMISSION_DENIED';
  }
}
