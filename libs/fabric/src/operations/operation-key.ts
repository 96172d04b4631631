import { createHash } from 'node:crypto';
import { canonicalJson } from '../simulated/canonical-json';
import type { FabricOperation } from './fabric-operation';

/**
 * The idempotency key of one operation among several that share a key (a saga step that applies
 * a plan): `{key}/{kind}-{digest}`, the digest a sha256 of the operation's canonical JSON (16 hex
 * digits). It depends on what the operation is and nothing else, not on its place in a plan, so
 * every attempt gives the same operation the same key and a different operation never gets it:
 * the fabric's idempotency-key contract. Fields in another order are the same operation, as for
 * the drivers.
 */
export function operationIdempotencyKey(key: string, operation: FabricOperation): string {
  const digest = createHash('sha256').update(canonicalJson(operation)).digest('hex');
  return `${key}/${operation.kind}-${digest.slice(0, 16)}`;
}
