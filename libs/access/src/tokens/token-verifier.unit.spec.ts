import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { UnauthenticatedError } from '@loom/errors';
import { loadOrCreateSigningKey, type SigningKey } from '../keys/signing-key';
import { mintToken } from './token-minter';
import { TokenVerifier } from './token-verifier';

describe('TokenVerifier', () => {
  let dataDir: string;
  let key: SigningKey;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loom-tokens-'));
    key = await loadOrCreateSigningKey(dataDir);
    verifier = new TokenVerifier(key.publicKey);
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A token signed by `key` with the standard claims, then `overrides` (undefined removes one). */
  function sign(overrides: Record<string, unknown>, signWith = key.privateKey): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const merged: Record<string, unknown> = {
      iss: 'loom',
      aud: 'loom-api',
      sub: 'alice',
      iat: now,
      exp: now + 600,
      role: 'tenant',
      tenant: 'acme',
      ...overrides,
    };
    const claims: JWTPayload = Object.fromEntries(
      Object.entries(merged).filter(([, value]) => value !== undefined),
    );
    return new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).sign(signWith);
  }

  async function refusal(token: Promise<string>): Promise<string> {
    const error = await verifier.verify(await token).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(UnauthenticatedError);
    return (error as UnauthenticatedError).message;
  }

  it('accepts a good token and names its principal', async () => {
    await expect(verifier.verify(await sign({}))).resolves.toEqual({
      subject: 'alice',
      role: 'tenant',
      tenant: 'acme',
    });
    await expect(
      verifier.verify(await sign({ role: 'auditor', tenant: undefined, sub: 'bob' })),
    ).resolves.toEqual({ subject: 'bob', role: 'auditor' });
  });

  it('accepts what mintToken (loomctl) signs', async () => {
    const token = await mintToken(key, { role: 'portal', subject: 'portal', ttl: '5m' });
    await expect(verifier.verify(token)).resolves.toEqual({ subject: 'portal', role: 'portal' });
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await refusal(sign({ iat: now - 3600, exp: now - 120 }))).toMatch(/expired/);
  });

  it('trusts a token it verified until it expires, and no longer', async () => {
    let now = Date.now();
    const clocked = new TokenVerifier(key.publicKey, () => now);
    const token = await sign({ exp: Math.floor(now / 1000) + 60 });
    await expect(clocked.verify(token)).resolves.toMatchObject({ subject: 'alice' });
    await expect(clocked.verify(token)).resolves.toMatchObject({ subject: 'alice' });
    now += 60_000 + 31_000;
    await expect(clocked.verify(token)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('refuses a token without an expiry', async () => {
    expect(await refusal(sign({ exp: undefined }))).toBe('the access token has no valid exp claim');
  });

  it('refuses a token signed with another key', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    expect(await refusal(sign({}, privateKey))).toMatch(/signature/);
  });

  it('refuses a token for another audience or from another issuer', async () => {
    expect(await refusal(sign({ aud: 'billing-api' }))).toMatch(/not for this API/);
    expect(await refusal(sign({ iss: 'someone-else' }))).toMatch(/not for this API/);
  });

  it('refuses a tenant token without a (valid) tenant claim', async () => {
    expect(await refusal(sign({ tenant: undefined }))).toMatch(/tenant claim/);
    expect(await refusal(sign({ tenant: 'Not An Id' }))).toMatch(/tenant claim/);
  });

  it('refuses a token without a known role or a subject', async () => {
    expect(await refusal(sign({ role: 'root' }))).toMatch(/role/);
    expect(await refusal(sign({ sub: undefined }))).toBe('the access token has no valid sub claim');
  });

  it('refuses tokens that are not ES256 JWTs', async () => {
    const hmac = await new SignJWT({ iss: 'loom', aud: 'loom-api', sub: 'x', role: 'portal' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('a shared secret that is long enough!!'));
    expect(await refusal(Promise.resolve(hmac))).toMatch(/ES256|not valid/);
    expect(await refusal(Promise.resolve('not.a.jwt'))).toMatch(/not valid/);
  });
});
