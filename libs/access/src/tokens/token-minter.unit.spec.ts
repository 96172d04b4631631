import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { loadOrCreateSigningKey, type SigningKey } from '../keys/signing-key';
import { InvalidTokenRequestError, mintToken } from './token-minter';

describe('mintToken', () => {
  let dataDir: string;
  let key: SigningKey;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loom-mint-'));
    key = await loadOrCreateSigningKey(dataDir);
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('signs the claims the engine checks, for the lifetime asked', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const token = await mintToken(
      key,
      { role: 'tenant', tenant: 'acme', subject: 'alice', ttl: '2h' },
      now,
    );
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: key.kid });
    expect(decodeJwt(token)).toEqual({
      iss: 'loom',
      aud: 'loom-api',
      sub: 'alice',
      role: 'tenant',
      tenant: 'acme',
      iat: now.getTime() / 1000,
      exp: now.getTime() / 1000 + 7200,
    });
  });

  it.each([
    [{ role: 'tenant', subject: 'x', ttl: '1h' }, /needs a tenant/],
    [{ role: 'tenant', tenant: 'Acme!', subject: 'x', ttl: '1h' }, /not a valid id/],
    [{ role: 'portal', tenant: 'acme', subject: 'x', ttl: '1h' }, /only goes with role tenant/],
    [{ role: 'ops', subject: 'x', ttl: 'forever' }, /ttl/],
    [{ role: 'ops', subject: ' ', ttl: '1h' }, /subject/],
  ] as const)('refuses %j', async (request, message) => {
    await expect(mintToken(key, request)).rejects.toThrow(InvalidTokenRequestError);
    await expect(mintToken(key, request)).rejects.toThrow(message);
  });
});
