import type { ChainHead } from './hash-chain';

/**
 * A signed statement that the log, up to and including `position`, holds `count` events whose
 * chain ends in `head`. The signature (a compact JWS, ES256) covers exactly this payload.
 */
export interface AuditCheckpoint {
  /** The last sealed event's global position, as a decimal string (JSON has no bigint). */
  readonly position: string;
  readonly count: number;
  readonly head: string;
  /** ISO-8601 instant the sealer signed it. */
  readonly sealedAt: string;
}

export interface SignedAuditCheckpoint {
  readonly checkpoint: AuditCheckpoint;
  /** Compact JWS whose payload is the checkpoint's JSON. */
  readonly jws: string;
}

export function checkpointOf(chain: ChainHead, sealedAt: Date): AuditCheckpoint {
  return {
    position: chain.position.toString(),
    count: chain.count,
    head: chain.head,
    sealedAt: sealedAt.toISOString(),
  };
}

export function chainHeadOf(checkpoint: AuditCheckpoint): ChainHead {
  return { position: BigInt(checkpoint.position), count: checkpoint.count, head: checkpoint.head };
}

/** Whether a decoded JWS payload has a checkpoint's shape; anything else is not trusted. */
export function isAuditCheckpoint(value: unknown): value is AuditCheckpoint {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate['position'] === 'string' &&
    /^[0-9]+$/.test(candidate['position']) &&
    typeof candidate['count'] === 'number' &&
    Number.isSafeInteger(candidate['count']) &&
    candidate['count'] >= 0 &&
    typeof candidate['head'] === 'string' &&
    /^[0-9a-f]{64}$/.test(candidate['head']) &&
    typeof candidate['sealedAt'] === 'string'
  );
}
