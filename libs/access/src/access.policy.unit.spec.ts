import { decideAccess, type AccessAction, type AccessDecision } from './access.policy';
import type { Principal } from './principal';

const principals: Record<Principal['role'], Principal> = {
  portal: { subject: 'portal', role: 'portal' },
  tenant: { subject: 'alice', role: 'tenant', tenant: 'acme' },
  ops: { subject: 'oncall', role: 'ops' },
  auditor: { subject: 'audit', role: 'auditor' },
};

type Target = 'own' | 'other' | 'none';
const targets: Record<Target, string | undefined> = {
  own: 'acme',
  other: 'globex',
  none: undefined,
};

/** role x action x target: the whole policy, one row each. */
const table: [Principal['role'], AccessAction, Target, AccessDecision][] = [
  ['portal', 'read', 'own', 'allow'],
  ['portal', 'read', 'other', 'allow'],
  ['portal', 'read', 'none', 'allow'],
  ['portal', 'write', 'own', 'allow'],
  ['portal', 'write', 'other', 'allow'],
  ['portal', 'write', 'none', 'allow'],
  ['portal', 'admin-write', 'own', 'allow'],
  ['portal', 'admin-write', 'other', 'allow'],
  ['portal', 'admin-write', 'none', 'allow'],

  ['tenant', 'read', 'own', 'allow'],
  ['tenant', 'read', 'other', 'deny-as-not-found'],
  ['tenant', 'read', 'none', 'permission-denied'],
  ['tenant', 'write', 'own', 'allow'],
  ['tenant', 'write', 'other', 'deny-as-not-found'],
  ['tenant', 'write', 'none', 'permission-denied'],
  ['tenant', 'admin-write', 'own', 'permission-denied'],
  ['tenant', 'admin-write', 'other', 'permission-denied'],
  ['tenant', 'admin-write', 'none', 'permission-denied'],

  ['ops', 'read', 'own', 'allow'],
  ['ops', 'read', 'other', 'allow'],
  ['ops', 'read', 'none', 'allow'],
  ['ops', 'write', 'own', 'permission-denied'],
  ['ops', 'write', 'other', 'permission-denied'],
  ['ops', 'write', 'none', 'permission-denied'],
  ['ops', 'admin-write', 'own', 'permission-denied'],
  ['ops', 'admin-write', 'other', 'permission-denied'],
  ['ops', 'admin-write', 'none', 'permission-denied'],

  ['auditor', 'read', 'own', 'allow'],
  ['auditor', 'read', 'other', 'allow'],
  ['auditor', 'read', 'none', 'allow'],
  ['auditor', 'write', 'own', 'permission-denied'],
  ['auditor', 'write', 'other', 'permission-denied'],
  ['auditor', 'write', 'none', 'permission-denied'],
  ['auditor', 'admin-write', 'own', 'permission-denied'],
  ['auditor', 'admin-write', 'other', 'permission-denied'],
  ['auditor', 'admin-write', 'none', 'permission-denied'],
];

describe('decideAccess', () => {
  it.each(table)('%s %s on the %s tenant: %s', (role, action, target, decision) => {
    expect(decideAccess(principals[role], action, targets[target])).toBe(decision);
  });

  it('covers every role, action and target', () => {
    expect(new Set(table.map(([role, action, target]) => `${role} ${action} ${target}`)).size).toBe(
      4 * 3 * 3,
    );
  });
});
