import type { ChainedEvent } from './chained-event';
import { extendChain, genesis, type ChainHead, type ChainLinkHash } from './hash-chain';

/** Something the log does not agree with: where, and what. */
export type ChainProblem =
  | {
      /** The events after `after` up to `through` are not the ones the checkpoint sealed. */
      readonly kind: 'mismatch';
      readonly after: bigint;
      readonly through: bigint;
      readonly expected: { readonly count: number; readonly head: string };
      readonly actual: { readonly count: number; readonly head: string };
    }
  | {
      /** The log ends before a checkpoint's position: events were cut off its end. */
      readonly kind: 'truncated';
      readonly lastPosition: bigint;
      readonly checkpoint: bigint;
      readonly missingAtLeast: number;
    }
  | {
      /** Two signed checkpoints disagree with each other. */
      readonly kind: 'conflicting-checkpoints';
      readonly position: bigint;
    }
  | {
      /** A checkpoint whose signature does not verify (reported by the signature check). */
      readonly kind: 'bad-signature';
      readonly position: string;
      readonly reason: string;
    };

export interface ChainReport {
  readonly intact: boolean;
  readonly events: number;
  readonly lastPosition: bigint;
  /** Checkpoints the log reached and agreed with. */
  readonly checkpointsMatched: number;
  /** The last checkpoint in the log's range: what the verification vouches for. */
  readonly lastCheckpoint?: ChainHead;
  /** Events after the last checkpoint: in the log, not yet sealed, so not vouched for. */
  readonly unsealed: number;
  readonly problems: readonly ChainProblem[];
}

/**
 * Recomputes the chain over the log's events in global order and holds it against trusted
 * (signature-checked) checkpoints. Pure: feed it every event with `accept`, then `finish`.
 *
 * After a mismatch it goes on from the checkpoint's own head (which is signed, so trusted), so one
 * run reports every damaged range between checkpoints, not only the first.
 */
export class ChainVerifier {
  private readonly checkpoints: ChainHead[];
  private readonly problems: ChainProblem[] = [];
  private chain: ChainHead = genesis;
  private trustedFrom: ChainHead = genesis;
  private next = 0;
  private matched = 0;
  private events = 0;
  private lastMatched: ChainHead | undefined;

  constructor(
    checkpoints: readonly ChainHead[],
    private readonly hash: ChainLinkHash,
  ) {
    this.checkpoints = distinctCheckpoints(checkpoints, this.problems);
  }

  accept(event: ChainedEvent): void {
    this.passCheckpointsBefore(event.position);
    this.chain = extendChain(this.chain, event, this.hash);
    this.events += 1;
    const checkpoint = this.checkpoints[this.next];
    if (checkpoint?.position === event.position) this.holdAgainst(checkpoint);
  }

  finish(): ChainReport {
    const lastPosition = this.chain.position;
    const remaining = this.checkpoints.slice(this.next);
    const last = remaining.at(-1);
    if (last !== undefined) {
      this.problems.push({
        kind: 'truncated',
        lastPosition,
        checkpoint: last.position,
        missingAtLeast: Math.max(1, last.count - this.chain.count),
      });
    }
    const sealed = this.lastMatched?.count ?? 0;
    return {
      intact: this.problems.length === 0,
      events: this.events,
      lastPosition,
      checkpointsMatched: this.matched,
      ...(this.lastMatched === undefined ? {} : { lastCheckpoint: this.lastMatched }),
      unsealed: Math.max(0, this.chain.count - sealed),
      problems: this.problems,
    };
  }

  /** The log skipped a checkpoint's position: the event it sealed last is gone (or moved). */
  private passCheckpointsBefore(position: bigint): void {
    for (;;) {
      const checkpoint = this.checkpoints[this.next];
      if (checkpoint === undefined || checkpoint.position >= position) return;
      this.holdAgainst(checkpoint);
    }
  }

  private holdAgainst(checkpoint: ChainHead): void {
    const agrees =
      this.chain.position === checkpoint.position &&
      this.chain.count === checkpoint.count &&
      this.chain.head === checkpoint.head;
    if (agrees) {
      this.matched += 1;
      this.lastMatched = checkpoint;
    } else {
      this.problems.push({
        kind: 'mismatch',
        after: this.trustedFrom.position,
        through: checkpoint.position,
        expected: { count: checkpoint.count, head: checkpoint.head },
        actual: { count: this.chain.count, head: this.chain.head },
      });
      this.chain = checkpoint;
    }
    this.trustedFrom = checkpoint;
    this.next += 1;
  }
}

/** Sorted by position, one per position; two that disagree are a problem of their own. */
function distinctCheckpoints(
  checkpoints: readonly ChainHead[],
  problems: ChainProblem[],
): ChainHead[] {
  const sorted = [...checkpoints].sort((a, b) =>
    a.position < b.position ? -1 : a.position > b.position ? 1 : 0,
  );
  const distinct: ChainHead[] = [];
  for (const checkpoint of sorted) {
    const previous = distinct.at(-1);
    if (previous?.position === checkpoint.position) {
      if (previous.count !== checkpoint.count || previous.head !== checkpoint.head) {
        problems.push({ kind: 'conflicting-checkpoints', position: checkpoint.position });
      }
      continue;
    }
    if (previous !== undefined && previous.count >= checkpoint.count) {
      problems.push({ kind: 'conflicting-checkpoints', position: checkpoint.position });
    }
    distinct.push(checkpoint);
  }
  return distinct;
}
