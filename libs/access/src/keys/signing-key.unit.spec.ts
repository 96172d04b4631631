import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI } from 'jose';
import { loadOrCreateSigningKey, SIGNING_KEY_FILE } from './signing-key';
import { loadVerificationKey } from './verification-key';

describe('the signing key in the data directory', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loom-key-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is created once, private (0600), and the same key afterwards', async () => {
    const first = await loadOrCreateSigningKey(join(dataDir, 'nested'));
    const file = join(dataDir, 'nested', SIGNING_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      kid: first.kid,
    });
    const second = await loadOrCreateSigningKey(join(dataDir, 'nested'));
    expect(second.kid).toBe(first.kid);
  });

  it('is one key when several processes create it at once', async () => {
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => loadOrCreateSigningKey(dataDir)),
    );
    expect(new Set(keys.map((key) => key.kid)).size).toBe(1);
  });

  it('is refused when other users can read it', async () => {
    await loadOrCreateSigningKey(dataDir);
    await chmod(join(dataDir, SIGNING_KEY_FILE), 0o644);
    await expect(loadOrCreateSigningKey(dataDir)).rejects.toThrow(/chmod 600/);
  });

  it('is not created when a public key file is configured instead', async () => {
    const elsewhere = await loadOrCreateSigningKey(join(dataDir, 'portal'));
    const pem = join(dataDir, 'portal.pem');
    await writeFile(pem, await exportSPKI(elsewhere.publicKey));
    const key = await loadVerificationKey({ dataDir: join(dataDir, 'engine'), publicKeyFile: pem });
    expect(key.type).toBe('public');
    await expect(stat(join(dataDir, 'engine', SIGNING_KEY_FILE))).rejects.toThrow(/ENOENT/);
    const jwk = join(dataDir, 'portal', SIGNING_KEY_FILE);
    await expect(
      loadVerificationKey({ dataDir: join(dataDir, 'engine'), publicKeyFile: jwk }),
    ).resolves.toMatchObject({ type: 'public' });
    await writeFile(pem, 'not a key');
    await expect(
      loadVerificationKey({ dataDir: join(dataDir, 'engine'), publicKeyFile: pem }),
    ).rejects.toThrow(/not an ES256 public key/);
  });
});
