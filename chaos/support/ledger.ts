import { status } from '@grpc/grpc-js';

/** The kinds of intent the load sends, by the gRPC method that carries it. */
export type IntentMethod =
  | 'CreateTenant'
  | 'UpdateTenant'
  | 'DeleteTenant'
  | 'CreateVpc'
  | 'UpdateVpc'
  | 'DeleteVpc'
  | 'CreateSubnet'
  | 'UpdateSubnet'
  | 'DeleteSubnet'
  | 'CreatePort'
  | 'UpdatePort'
  | 'DeletePort';

/**
 * What the client knows of an intent once it stops retrying:
 * - `acked`: an answer with OK: the intent is committed and must be in the log exactly once;
 * - `refused`: a definite refusal (ALREADY_EXISTS, FAILED_PRECONDITION...): nothing of it may exist;
 * - `unknown`: every attempt ended without an answer (the engine died, the deadline passed): it
 *   may have happened or not, but never half.
 */
export type IntentOutcome = 'acked' | 'refused' | 'unknown';

export interface IntentRecord {
  readonly method: IntentMethod;
  readonly tenant: string;
  /** The resource's full name. */
  readonly name: string;
  /** Creates and the deletes that take one. */
  readonly requestId: string | undefined;
  /** For updates: the display name sent. */
  readonly displayName: string | undefined;
  readonly issuedAt: number;
  answeredAt: number;
  attempts: number;
  outcome: IntentOutcome;
  /** The last gRPC code seen (0 for OK). */
  code: number;
  /** The Operation a create or delete answered with. */
  operation: string | undefined;
}

/** Codes after which the intent may or may not have been committed: the client retries them. */
export const ambiguousCodes: ReadonlySet<number> = new Set([
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.CANCELLED,
  status.UNKNOWN,
  status.INTERNAL,
]);

/** Every intent the load sent, with what became of it. */
export class IntentLedger {
  readonly records: IntentRecord[] = [];

  add(record: IntentRecord): void {
    this.records.push(record);
  }

  counts(): Record<IntentOutcome, number> {
    const counts = { acked: 0, refused: 0, unknown: 0 };
    for (const record of this.records) counts[record.outcome] += 1;
    return counts;
  }

  /** Answers the engine should never give, whatever it went through. */
  internalErrors(): IntentRecord[] {
    const internal: number = status.INTERNAL;
    return this.records.filter((record) => record.code === internal);
  }
}
