import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose';
import { readOrCreatePrivateFile } from '@loom/access';

export const auditSignatureAlgorithm = 'ES256';

/**
 * The audit key signs checkpoints. It is not the token key: whoever may mint tokens need not be
 * able to vouch for the log, and the audit key can be kept (or rotated) on its own.
 */
export const AUDIT_KEY_FILE = 'audit-signing-key.json';

export interface AuditSigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** The public half as a JWK, for verifiers to pin. */
  readonly publicJwk: JWK;
}

/** Reads `<dataDir>/audit-signing-key.json` (a private JWK, mode 0600), creating it when absent. */
export async function loadOrCreateAuditKey(dataDir: string): Promise<AuditSigningKey> {
  const file = join(dataDir, AUDIT_KEY_FILE);
  const text = await readOrCreatePrivateFile(
    file,
    async () => `${JSON.stringify(await generateAuditPrivateJwk(), null, 2)}\n`,
  );
  return importAuditSigningKey(JSON.parse(text) as JWK, file);
}

/** A new private audit key as a JWK (tests, and the file above when it is created). */
export async function generateAuditPrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(auditSignatureAlgorithm, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg: auditSignatureAlgorithm, use: 'sig' };
}

export async function importAuditSigningKey(jwk: JWK, source: string): Promise<AuditSigningKey> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') {
    throw new Error(`${source} is not a private P-256 (ES256) JWK`);
  }
  const { d: _private, ...publicJwk } = jwk;
  const kid = jwk.kid ?? (await calculateJwkThumbprint(publicJwk));
  const privateKey = await importJWK(jwk, auditSignatureAlgorithm);
  const publicKey = await importJWK(publicJwk, auditSignatureAlgorithm);
  if (privateKey instanceof Uint8Array || publicKey instanceof Uint8Array) {
    throw new Error(`${source} holds a symmetric key, not an ES256 key pair`);
  }
  return { kid, privateKey, publicKey, publicJwk: { ...publicJwk, kid } };
}

/** A verifier's key: a public JWK (or the private one, whose public half is used). */
export async function importAuditPublicKey(jwk: JWK, source: string): Promise<CryptoKey> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') {
    throw new Error(`${source} is not a P-256 (ES256) JWK`);
  }
  const { d: _private, ...publicJwk } = jwk;
  const key = await importJWK(publicJwk, auditSignatureAlgorithm);
  if (key instanceof Uint8Array) throw new Error(`${source} is not an ES256 public key`);
  return key;
}
