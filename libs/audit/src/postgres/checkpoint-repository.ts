import type { Pool } from 'pg';
import type { SignedAuditCheckpoint } from '../chain/audit-checkpoint';

interface CheckpointRow {
  position: string;
  event_count: string;
  head: string;
  sealed_at: Date;
  jws: string;
}

/** A stored checkpoint: its queryable columns beside the JWS that alone is trusted. */
export interface StoredCheckpoint {
  readonly position: string;
  readonly count: number;
  readonly head: string;
  readonly jws: string;
}

export class CheckpointRepository {
  constructor(private readonly pool: Pool) {}

  async latest(): Promise<StoredCheckpoint | undefined> {
    const { rows } = await this.pool.query<CheckpointRow>(
      `SELECT position::text, event_count::text, head, sealed_at, jws FROM audit.checkpoints
       ORDER BY checkpoints.position DESC LIMIT 1`,
    );
    return rows[0] === undefined ? undefined : toStored(rows[0]);
  }

  async all(): Promise<StoredCheckpoint[]> {
    const { rows } = await this.pool.query<CheckpointRow>(
      `SELECT position::text, event_count::text, head, sealed_at, jws FROM audit.checkpoints
       ORDER BY checkpoints.position`,
    );
    return rows.map(toStored);
  }

  /**
   * Adds a checkpoint that extends the one at `previousPosition` ('0' for the first). False when
   * another sealer extended it first (the unique previous_position): reload and go on from there.
   */
  async add(
    previousPosition: string,
    signed: SignedAuditCheckpoint,
    keyId: string,
  ): Promise<boolean> {
    const { checkpoint } = signed;
    const { rowCount } = await this.pool.query(
      `INSERT INTO audit.checkpoints
         (position, previous_position, event_count, head, sealed_at, key_id, jws)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [
        checkpoint.position,
        previousPosition,
        checkpoint.count,
        checkpoint.head,
        checkpoint.sealedAt,
        keyId,
        signed.jws,
      ],
    );
    return rowCount === 1;
  }
}

function toStored(row: CheckpointRow): StoredCheckpoint {
  return {
    position: row.position,
    count: Number(row.event_count),
    head: row.head,
    jws: row.jws,
  };
}
