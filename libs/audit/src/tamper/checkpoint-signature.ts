import { CompactSign, compactVerify, type CryptoKey } from 'jose';
import {
  isAuditCheckpoint,
  type AuditCheckpoint,
  type SignedAuditCheckpoint,
} from '../chain/audit-checkpoint';
import { auditSignatureAlgorithm, type AuditSigningKey } from './audit-key';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function signCheckpoint(
  checkpoint: AuditCheckpoint,
  key: AuditSigningKey,
): Promise<SignedAuditCheckpoint> {
  const jws = await new CompactSign(encoder.encode(JSON.stringify(checkpoint)))
    .setProtectedHeader({ alg: auditSignatureAlgorithm, kid: key.kid, typ: 'loom-audit+jws' })
    .sign(key.privateKey);
  return { checkpoint, jws };
}

export type CheckedSignature =
  | { readonly valid: true; readonly checkpoint: AuditCheckpoint }
  | { readonly valid: false; readonly reason: string };

/**
 * The checkpoint the JWS vouches for, or why not. The payload is the truth: a stored checkpoint's
 * other columns are only there to be queried, so the caller compares them to this.
 */
export async function checkCheckpointSignature(
  jws: string,
  publicKey: CryptoKey,
): Promise<CheckedSignature> {
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws, publicKey, {
      algorithms: [auditSignatureAlgorithm],
    }));
  } catch (error) {
    return { valid: false, reason: error instanceof Error ? error.message : String(error) };
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(decoder.decode(payload));
  } catch {
    return { valid: false, reason: 'the signed payload is not JSON' };
  }
  if (!isAuditCheckpoint(decoded)) return { valid: false, reason: 'not a checkpoint' };
  return { valid: true, checkpoint: decoded };
}
