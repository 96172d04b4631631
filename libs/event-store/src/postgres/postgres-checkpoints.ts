import type { Pool } from 'pg';
import type { CheckpointStore } from '../event-store.port';
import { assertStreamName } from '../stream-name';

export class PostgresCheckpointStore implements CheckpointStore {
  constructor(private readonly pool: Pool) {}

  async load(name: string): Promise<bigint | undefined> {
    assertStreamName(name);
    const { rows } = await this.pool.query<{ position: string }>(
      `SELECT position::text FROM event_store.subscription_checkpoints WHERE subscription_name = $1`,
      [name],
    );
    const position = rows[0]?.position;
    return position === undefined ? undefined : BigInt(position);
  }

  async save(name: string, position: bigint): Promise<void> {
    assertStreamName(name);
    await this.pool.query(
      `INSERT INTO event_store.subscription_checkpoints (subscription_name, position) VALUES ($1, $2)
       ON CONFLICT (subscription_name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
      [name, position.toString()],
    );
  }
}
