import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose';
import { TOKEN_ALGORITHM } from '../tokens/token-claims';
import { readOrCreatePrivateFile } from './private-file';

/** The engine's own token signing key, a private JWK beside the rest of its data. */
export const SIGNING_KEY_FILE = 'jwt-signing-key.json';

export interface SigningKey {
  /** Key id (the JWK thumbprint), put in every token header. */
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

/**
 * Reads the ES256 key pair in `dataDir`, creating it (mode 0600) when there is none. The engine
 * and loomctl both come here, so tokens loomctl mints verify in the engine on the same data dir.
 */
export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  const file = join(dataDir, SIGNING_KEY_FILE);
  const text = await readOrCreatePrivateFile(file, createPrivateJwk);
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    throw new Error(`${file} is not JSON`);
  }
  return importSigningKey(jwk, file);
}

async function createPrivateJwk(): Promise<string> {
  const { privateKey } = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return `${JSON.stringify({ ...jwk, kid, alg: TOKEN_ALGORITHM, use: 'sig' }, null, 2)}\n`;
}

async function importSigningKey(jwk: JWK, file: string): Promise<SigningKey> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') {
    throw new Error(`${file} is not a private P-256 (ES256) JWK`);
  }
  const { d: _private, ...publicJwk } = jwk;
  const kid = jwk.kid ?? (await calculateJwkThumbprint(publicJwk));
  const privateKey = await importJWK(jwk, TOKEN_ALGORITHM);
  const publicKey = await importJWK(publicJwk, TOKEN_ALGORITHM);
  if (privateKey instanceof Uint8Array || publicKey instanceof Uint8Array) {
    throw new Error(`${file} holds a symmetric key, not an ES256 key pair`);
  }
  return { kid, privateKey, publicKey };
}
