/** Who a token says it is, read without checking its signature (the engine checks it). */
export interface TokenClaims {
  readonly subject: string;
  readonly role: string;
  readonly tenant?: string;
  /** Expiry in seconds since the epoch. */
  readonly expiresAt?: number;
}

/** The claims of a JWT, or undefined when it is not one. */
export function readTokenClaims(token: string): TokenClaims | undefined {
  const payload = token.split('.')[1];
  if (token.split('.').length !== 3 || !payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const text = (key: string): string => (typeof claims[key] === 'string' ? claims[key] : '');
    return {
      subject: text('sub'),
      role: text('role'),
      ...(text('tenant') ? { tenant: text('tenant') } : {}),
      ...(typeof claims['exp'] === 'number' ? { expiresAt: claims['exp'] } : {}),
    };
  } catch {
    return undefined;
  }
}

/** `alice (role tenant, tenant acme), expires 2026-01-02T03:04:05Z`. */
export function describeClaims(claims: TokenClaims): string {
  const role = `role ${claims.role}${claims.tenant ? `, tenant ${claims.tenant}` : ''}`;
  const expiry =
    claims.expiresAt === undefined
      ? ''
      : `, expires ${new Date(claims.expiresAt * 1000).toISOString().slice(0, 19)}Z`;
  return `${claims.subject || '(no subject)'} (${role})${expiry}`;
}
