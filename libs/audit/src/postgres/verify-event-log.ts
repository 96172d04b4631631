import type { CryptoKey } from 'jose';
import type { Pool } from 'pg';
import { chainHeadOf, type SignedAuditCheckpoint } from '../chain/audit-checkpoint';
import { ChainVerifier, type ChainProblem, type ChainReport } from '../chain/chain-verifier';
import type { ChainHead } from '../chain/hash-chain';
import { checkCheckpointSignature } from '../tamper/checkpoint-signature';
import { sha256Link } from '../tamper/sha256-link';
import { readChainEvents } from './chain-reader';
import { CheckpointRepository } from './checkpoint-repository';

export interface VerifyEventLogOptions {
  readonly pool: Pool;
  /** The audit key's public half, pinned by the verifier (never read from the database). */
  readonly publicKey: CryptoKey;
  /** Checkpoints kept elsewhere (`loomctl audit verify --save-checkpoint`): they reveal a cut. */
  readonly savedCheckpoints?: readonly SignedAuditCheckpoint[];
  readonly batchSize?: number;
  /** Called after every batch with the events read so far and the last position. */
  readonly onProgress?: (events: number, lastPosition: bigint) => void;
}

export interface EventLogVerification extends ChainReport {
  readonly storedCheckpoints: number;
  /** The newest checkpoint whose signature holds, to keep elsewhere for the next verification. */
  readonly newestSigned?: SignedAuditCheckpoint;
}

/**
 * Recomputes the hash chain over the whole log and holds it against every signed checkpoint, the
 * stored ones and any kept elsewhere. A checkpoint whose signature fails, or whose row says
 * something else than what was signed, is itself reported.
 */
export async function verifyEventLog(
  options: VerifyEventLogOptions,
): Promise<EventLogVerification> {
  const stored = await new CheckpointRepository(options.pool).all();
  const signatureProblems: ChainProblem[] = [];
  const trusted: ChainHead[] = [];
  let newestSigned: SignedAuditCheckpoint | undefined;
  for (const row of stored) {
    const checked = await checkCheckpointSignature(row.jws, options.publicKey);
    if (!checked.valid) {
      signatureProblems.push({
        kind: 'bad-signature',
        position: row.position,
        reason: checked.reason,
      });
      continue;
    }
    const signed = checked.checkpoint;
    if (
      signed.position !== row.position ||
      signed.count !== row.count ||
      signed.head !== row.head
    ) {
      signatureProblems.push({
        kind: 'bad-signature',
        position: row.position,
        reason: 'the row differs from the checkpoint its signature covers',
      });
    }
    trusted.push(chainHeadOf(signed));
    if (
      newestSigned === undefined ||
      BigInt(signed.position) > BigInt(newestSigned.checkpoint.position)
    ) {
      newestSigned = { checkpoint: signed, jws: row.jws };
    }
  }
  for (const saved of options.savedCheckpoints ?? []) {
    const checked = await checkCheckpointSignature(saved.jws, options.publicKey);
    if (!checked.valid) {
      signatureProblems.push({
        kind: 'bad-signature',
        position: saved.checkpoint.position,
        reason: `saved checkpoint: ${checked.reason}`,
      });
      continue;
    }
    trusted.push(chainHeadOf(checked.checkpoint));
  }

  const verifier = new ChainVerifier(trusted, sha256Link);
  let events = 0;
  for await (const batch of readChainEvents(options.pool, {
    after: 0n,
    belowHorizon: false,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  })) {
    for (const event of batch) verifier.accept(event);
    events += batch.length;
    options.onProgress?.(events, batch.at(-1)?.position ?? 0n);
  }
  const report = verifier.finish();
  const problems = [...signatureProblems, ...report.problems];
  return {
    ...report,
    intact: problems.length === 0,
    problems,
    storedCheckpoints: stored.length,
    ...(newestSigned === undefined ? {} : { newestSigned }),
  };
}
