import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, type SigningKey } from '@loom/access';

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');
const claims = { role: 'portal', sub: 'attacker', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE };
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

/**
 * Tokens an attacker would try, each of which must be refused as UNAUTHENTICATED: unsigned,
 * signed with HS256 using the engine's public key as the secret (the classic algorithm
 * confusion), another key, another issuer or audience, not yet valid, expired, a huge payload.
 */
/**
 * A header block over Node's HTTP/2 limit (64 KiB, maxHeaderListSize): the server's HTTP/2 layer
 * resets the stream (RST_STREAM) before any gRPC code, the engine's included, sees it; grpc-js
 * reports that to its caller as INTERNAL "Received RST_STREAM". Checked apart from the others.
 */
export function oversizedToken(): string {
  return `${base64url('{"alg":"ES256"}')}.${base64url('x'.repeat(1_000_000))}.c2ln`;
}

export async function hostileTokens(key: SigningKey): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(
    JSON.stringify({ ...claims, exp: inAnHour() }),
  )}.`;
  const hs256 = async (secret: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .setExpirationTime(inAnHour())
      .sign(new TextEncoder().encode(secret));
  const es256 = (
    payload: Record<string, unknown>,
    signingKey: SigningKey['privateKey'] = key.privateKey,
  ) => new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: key.kid }).sign(signingKey);
  const other = await generateKeyPair('ES256');
  const publicPem = await exportSPKI(key.publicKey);
  const publicJwk = JSON.stringify(await exportJWK(key.publicKey));
  const valid = await es256({ ...claims, exp: inAnHour() });
  const [header, payload] = valid.split('.');
  return {
    'alg none': unsigned,
    'alg none, empty signature dropped': unsigned.slice(0, -1),
    'HS256 with the public key (PEM) as secret': await hs256(publicPem),
    'HS256 with the public key (JWK) as secret': await hs256(publicJwk),
    'ES256 by another key': await es256({ ...claims, exp: inAnHour() }, other.privateKey),
    'another issuer': await es256({ ...claims, iss: 'evil', exp: inAnHour() }),
    'another audience': await es256({ ...claims, aud: 'other-api', exp: inAnHour() }),
    'nbf an hour ahead': await es256({ ...claims, nbf: inAnHour(), exp: inAnHour() + 60 }),
    expired: await es256({ ...claims, exp: now - 3600 }),
    'no exp': await es256(claims),
    'unknown role': await es256({ ...claims, role: 'root', exp: inAnHour() }),
    'tenant role without tenant': await es256({ ...claims, role: 'tenant', exp: inAnHour() }),
    'payload changed after signing': `${header ?? ''}.${base64url(
      JSON.stringify({ ...claims, role: 'portal', sub: 'someone-else', exp: inAnHour() }),
    )}.${valid.split('.')[2] ?? ''}`,
    'huge payload (6 KB), another key': await es256(
      { ...claims, pad: 'x'.repeat(6_000), exp: inAnHour() },
      other.privateKey,
    ),
    // Under Node's HTTP/2 header list limit (64 KiB): the engine reads it and refuses it.
    'huge forged payload (48 KB)': `${header ?? ''}.${base64url('x'.repeat(36_000))}.${payload ?? ''}`,
    'not a JWT': 'hello',
    'three empty parts': '..',
  };
}
