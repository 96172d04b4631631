import type { Pool } from 'pg';
import { chainHeadOf, checkpointOf } from '../chain/audit-checkpoint';
import { extendChain, genesis, type ChainHead } from '../chain/hash-chain';
import type { AuditSigningKey } from '../tamper/audit-key';
import { checkCheckpointSignature, signCheckpoint } from '../tamper/checkpoint-signature';
import { sha256Link } from '../tamper/sha256-link';
import { readChainEvents } from './chain-reader';
import { CheckpointRepository } from './checkpoint-repository';

export interface ChainSealerOptions {
  readonly pool: Pool;
  readonly key: AuditSigningKey;
  /** How long the sealer rests between rounds. */
  readonly intervalMs?: number;
  /** A round writes a checkpoint at least this often, so a damaged range stays small. */
  readonly eventsPerCheckpoint?: number;
  readonly now?: () => Date;
  readonly onError?: (error: unknown) => void;
}

export interface SealRound {
  readonly events: number;
  readonly checkpoints: number;
  readonly head: ChainHead;
}

/**
 * Extends the hash chain over the event log behind the appends, never in their way: it reads the
 * final part of the log (below the oldest running transaction, the same horizon readers use), in
 * global position order, so an append that commits late is sealed in its place once it commits.
 * Each round ends with a signed checkpoint. Several sealers may run (one per replica): the
 * checkpoint table lets one extend each checkpoint, the others start their next round from it.
 */
export class ChainSealer {
  private readonly repository: CheckpointRepository;
  private readonly intervalMs: number;
  private readonly eventsPerCheckpoint: number;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(private readonly options: ChainSealerOptions) {
    this.repository = new CheckpointRepository(options.pool);
    this.intervalMs = options.intervalMs ?? 1000;
    this.eventsPerCheckpoint = options.eventsPerCheckpoint ?? 10_000;
    this.now = options.now ?? (() => new Date());
  }

  /** Seals everything final now; resolves once its checkpoints are stored. */
  async sealOnce(): Promise<SealRound> {
    const from = await this.lastTrustedHead();
    let chain = from;
    let sealed = from;
    let checkpoints = 0;
    const seal = async (): Promise<boolean> => {
      const signed = await signCheckpoint(checkpointOf(chain, this.now()), this.options.key);
      const added = await this.repository.add(
        sealed.position.toString(),
        signed,
        this.options.key.kid,
      );
      if (added) {
        sealed = chain;
        checkpoints += 1;
      }
      return added;
    };
    for await (const batch of readChainEvents(this.options.pool, {
      after: from.position,
      belowHorizon: true,
    })) {
      for (const event of batch) {
        chain = extendChain(chain, event, sha256Link);
        if (chain.count - sealed.count >= this.eventsPerCheckpoint && !(await seal())) {
          return { events: sealed.count - from.count, checkpoints, head: sealed };
        }
      }
    }
    if (chain.count > sealed.count) await seal();
    return { events: sealed.count - from.count, checkpoints, head: sealed };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.round;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.round = this.sealOnce()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          if (!this.stopped) this.schedule(this.intervalMs);
        });
    }, delayMs);
  }

  /**
   * The newest checkpoint, once its signature holds: a sealer never builds on a head it did not
   * sign (a forged row would otherwise be sealed over and vouched for).
   */
  private async lastTrustedHead(): Promise<ChainHead> {
    const latest = await this.repository.latest();
    if (latest === undefined) return genesis;
    const checked = await checkCheckpointSignature(latest.jws, this.options.key.publicKey);
    if (!checked.valid || checked.checkpoint.position !== latest.position) {
      throw new Error(
        `audit checkpoint at ${latest.position} does not carry a valid signature: not sealing over it (run loomctl audit verify)`,
      );
    }
    return chainHeadOf(checked.checkpoint);
  }
}
