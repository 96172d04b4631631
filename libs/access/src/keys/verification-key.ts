import { readFile } from 'node:fs/promises';
import { importJWK, importSPKI, type CryptoKey, type JWK } from 'jose';
import { TOKEN_ALGORITHM } from '../tokens/token-claims';
import { loadOrCreateSigningKey } from './signing-key';

export interface VerificationKeySource {
  /** The data directory, where the engine's own signing key lives. */
  readonly dataDir: string;
  /**
   * A PEM (SPKI) or JWK file with the public key of whoever signs tokens instead (for example the
   * cloud portal's identity service); when set, no key is created in the data directory.
   */
  readonly publicKeyFile?: string | undefined;
}

/** The ES256 public key the engine checks token signatures with. */
export async function loadVerificationKey(source: VerificationKeySource): Promise<CryptoKey> {
  if (source.publicKeyFile === undefined) {
    return (await loadOrCreateSigningKey(source.dataDir)).publicKey;
  }
  return importPublicKeyFile(source.publicKeyFile);
}

async function importPublicKeyFile(file: string): Promise<CryptoKey> {
  const text = (await readFile(file, 'utf8')).trim();
  try {
    if (text.startsWith('-----BEGIN PUBLIC KEY-----'))
      return await importSPKI(text, TOKEN_ALGORITHM);
    // A private JWK works too, but only its public half is kept in memory.
    const { d: _private, ...publicJwk } = JSON.parse(text) as JWK;
    const key = await importJWK(publicJwk, TOKEN_ALGORITHM);
    if (key instanceof Uint8Array) throw new Error('a symmetric key');
    return key;
  } catch (error) {
    throw new Error(
      `${file}: not an ES256 public key as PEM (SPKI) or JWK (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
}
