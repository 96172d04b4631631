/** `tenants/{t}/qosPolicies/{q}` */
export const qosPolicyName = (tenantId: string, qosPolicyId: string): string =>
  `tenants/${tenantId}/qosPolicies/${qosPolicyId}`;

const qosPolicyPattern = /^tenants\/([^/]+)\/qosPolicies\/([^/]+)$/;

/** The tenant and id of a QoS policy's name; undefined for any other name. */
export function parseQosPolicyName(
  name: string,
): { tenantId: string; qosPolicyId: string } | undefined {
  const [, tenantId, qosPolicyId] = qosPolicyPattern.exec(name) ?? [];
  return tenantId && qosPolicyId ? { tenantId, qosPolicyId } : undefined;
}
