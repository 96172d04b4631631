import { jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import { UnauthenticatedError } from '@loom/errors';
import { resourceIdPattern } from '@loom/names';
import { isRole, type Principal } from '../principal';
import { TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from './token-claims';

/** Seconds of clock difference tolerated between whoever signs tokens and the engine. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** Why jose refused a token, in words a caller can act on (never echoing the token). */
const refusals: Readonly<Record<string, string>> = {
  ERR_JWT_EXPIRED: 'the access token has expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'the access token signature is not valid',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'the access token is not for this API',
  ERR_JOSE_ALG_NOT_ALLOWED: 'the access token is not signed with ES256',
};

/** Verified tokens remembered at most; a portal reuses one token for many calls. */
const cacheLimit = 10_000;

interface Verified {
  readonly principal: Principal;
  /** Milliseconds since the epoch after which the token is no longer accepted. */
  readonly expiresAt: number;
}

/** Checks bearer tokens: ES256 signature, issuer `loom`, audience `loom-api`, expiry, claims. */
export class TokenVerifier {
  /** An ES256 check costs about 0.3 ms of CPU: a token already verified is trusted until it expires. */
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly key: CryptoKey,
    private readonly now: () => number = Date.now,
  ) {}

  /** The principal the token names; UnauthenticatedError when it is not a valid Loom token. */
  async verify(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known && known.expiresAt > this.now()) return known.principal;
    if (known) this.verified.delete(token);
    return this.check(token);
  }

  private async check(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        algorithms: [TOKEN_ALGORITHM],
        requiredClaims: ['sub', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(this.now()),
      }));
    } catch (error) {
      throw new UnauthenticatedError(refusalOf(error));
    }
    const principal = principalFrom(payload);
    if (typeof payload.exp === 'number') {
      if (this.verified.size >= cacheLimit) this.verified.clear();
      this.verified.set(token, {
        principal,
        expiresAt: (payload.exp + CLOCK_TOLERANCE_SECONDS) * 1000,
      });
    }
    return principal;
  }
}

function refusalOf(error: unknown): string {
  const { code, claim } = error as { code?: unknown; claim?: unknown };
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim !== 'iss' && claim !== 'aud') {
    return `the access token has no valid ${String(claim)} claim`;
  }
  return (typeof code === 'string' ? refusals[code] : undefined) ?? 'the access token is not valid';
}

function principalFrom(payload: JWTPayload): Principal {
  const { sub: subject, role, tenant } = payload;
  if (typeof subject !== 'string' || subject === '') {
    throw new UnauthenticatedError('the access token has no subject');
  }
  if (!isRole(role)) throw new UnauthenticatedError('the access token has no valid role claim');
  if (role !== 'tenant') return { subject, role };
  if (typeof tenant !== 'string' || !resourceIdPattern.test(tenant)) {
    throw new UnauthenticatedError('the access token has role tenant but no valid tenant claim');
  }
  return { subject, role, tenant };
}
