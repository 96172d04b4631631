import { SignJWT } from 'jose';
import { resourceIdPattern } from '@loom/names';
import type { SigningKey } from '../keys/signing-key';
import type { Role } from '../principal';
import { TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from './token-claims';

export interface TokenRequest {
  readonly role: Role;
  /** Required for, and only for, role `tenant`. */
  readonly tenant?: string | undefined;
  readonly subject: string;
  /** Lifetime such as `15m`, `1h` or `7d`. */
  readonly ttl: string;
}

const TTL = /^[1-9]\d*[smhd]$/;

export class InvalidTokenRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenRequestError';
  }
}

/** Signs an access token the engine accepts (issuer, audience, role and tenant claims). */
export async function mintToken(
  key: SigningKey,
  request: TokenRequest,
  now = new Date(),
): Promise<string> {
  checkRequest(request);
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({
    role: request.role,
    ...(request.role === 'tenant' ? { tenant: request.tenant } : {}),
  })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(request.subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds(request.ttl))
    .sign(key.privateKey);
}

function checkRequest(request: TokenRequest): void {
  if (request.subject.trim() === '') throw new InvalidTokenRequestError('the subject is empty');
  if (!TTL.test(request.ttl)) {
    throw new InvalidTokenRequestError(
      `ttl ${JSON.stringify(request.ttl)} is not a number followed by s, m, h or d (e.g. 1h)`,
    );
  }
  if (request.role === 'tenant') {
    if (request.tenant === undefined)
      throw new InvalidTokenRequestError('role tenant needs a tenant id');
    if (!resourceIdPattern.test(request.tenant)) {
      throw new InvalidTokenRequestError(
        `tenant id ${JSON.stringify(request.tenant)} is not a valid id`,
      );
    }
  } else if (request.tenant !== undefined) {
    throw new InvalidTokenRequestError(
      `a tenant id only goes with role tenant, not ${request.role}`,
    );
  }
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

function ttlSeconds(ttl: string): number {
  const unit = ttl.slice(-1) as keyof typeof UNIT_SECONDS;
  return Number(ttl.slice(0, -1)) * UNIT_SECONDS[unit];
}
