/** Who may call the API, as a token says: the cloud portal, one tenant, operators or auditors. */
export const ROLES = ['portal', 'tenant', 'ops', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** The verified caller of a request. Only a tenant principal is bound to a tenant. */
export type Principal =
  | { readonly subject: string; readonly role: 'tenant'; readonly tenant: string }
  | { readonly subject: string; readonly role: Exclude<Role, 'tenant'> };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
