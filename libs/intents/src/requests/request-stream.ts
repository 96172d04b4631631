/** The stream of one request_id: its payload's fingerprint and what it answered. */
export const requestStream = (tenantId: string, requestId: string): string =>
  `request-${tenantId}/${requestId}`;
