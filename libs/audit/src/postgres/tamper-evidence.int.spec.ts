import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@loom/event-store';
import { openTestEventStore, type TestEventStore } from '../../../../test/support/test-event-store';
import type { SignedAuditCheckpoint } from '../chain/audit-checkpoint';
import {
  generateAuditPrivateJwk,
  importAuditSigningKey,
  type AuditSigningKey,
} from '../tamper/audit-key';
import { auditMigrations } from './audit.migrations';
import { ChainSealer } from './chain-sealer';
import { verifyEventLog, type EventLogVerification } from './verify-event-log';

/**
 * Tampering by direct SQL, the way someone with the database's password but not the audit key
 * would: each kind on a sealed log of its own, and the verifier must say where.
 */
describe('tamper evidence on PostgreSQL', () => {
  let postgres: TestEventStore;
  let key: AuditSigningKey;
  let otherKey: AuditSigningKey;

  beforeAll(async () => {
    key = await importAuditSigningKey(await generateAuditPrivateJwk(), 'test');
    otherKey = await importAuditSigningKey(await generateAuditPrivateJwk(), 'test');
  });
  beforeEach(async () => {
    postgres = await openTestEventStore({ migrations: auditMigrations });
  });
  afterEach(async () => {
    await postgres.close();
  });

  const events = (count: number, tenant: string): NewEvent[] =>
    Array.from({ length: count }, (_, index) => ({
      type: 'ThingHappened',
      data: { index, note: `event ${index}`, nested: { a: [1, 2.5, 'x'] } },
      metadata: { tenant, actor: 'alice', correlationId: randomUUID() },
    }));

  /** 60 events: single appends, multi-event appends and one multi-stream append. */
  async function buildLog(): Promise<void> {
    const { store } = postgres;
    for (let i = 0; i < 20; i += 1) await store.append(`thing-${i}`, events(1, 'acme'), 'any');
    for (let i = 0; i < 5; i += 1) await store.append(`batch-${i}`, events(6, 'beta'), 'any');
    await store.appendToStreams([
      { stream: 'multi-a', events: events(5, 'acme'), expected: 'no-stream' },
      { stream: 'multi-b', events: events(5, 'acme'), expected: 'no-stream' },
    ]);
  }

  const sealer = (options: { eventsPerCheckpoint?: number } = {}): ChainSealer =>
    new ChainSealer({ pool: postgres.database.pool, key, eventsPerCheckpoint: 10, ...options });

  const verify = (saved: SignedAuditCheckpoint[] = []): Promise<EventLogVerification> =>
    verifyEventLog({
      pool: postgres.database.pool,
      publicKey: key.publicKey,
      savedCheckpoints: saved,
    });

  async function positions(): Promise<bigint[]> {
    const { rows } = await postgres.database.pool.query<{ p: string }>(
      `SELECT global_position::text AS p FROM event_store.events ORDER BY global_position`,
    );
    return rows.map((row) => BigInt(row.p));
  }

  const sql = (text: string, values: unknown[] = []) => postgres.database.pool.query(text, values);

  async function sealedLog(): Promise<bigint[]> {
    await buildLog();
    const round = await sealer().sealOnce();
    expect(round.events).toBe(60);
    expect(round.checkpoints).toBe(6);
    return positions();
  }

  it('finds an untouched log intact, every event sealed and every checkpoint matched', async () => {
    await sealedLog();
    const report = await verify();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ intact: true, events: 60, checkpointsMatched: 6, unsealed: 0 });
    expect(report.storedCheckpoints).toBe(6);
  });

  it('goes on from its last checkpoint in the next round, and reports what it has not sealed yet', async () => {
    await sealedLog();
    await postgres.store.append('later', events(3, 'acme'), 'no-stream');
    expect((await verify()).unsealed).toBe(3);
    expect(await sealer().sealOnce()).toMatchObject({ events: 3, checkpoints: 1 });
    expect(await sealer().sealOnce()).toMatchObject({ events: 0, checkpoints: 0 });
    expect(await verify()).toMatchObject({ intact: true, events: 63, unsealed: 0 });
  });

  it('detects a changed event (its data rewritten) and says between which checkpoints', async () => {
    const all = await sealedLog();
    await sql(
      `UPDATE event_store.events SET data = jsonb_set(data, '{note}', '"forged"') WHERE global_position = $1`,
      [all[23]!.toString()],
    );
    const report = await verify();
    expect(report.intact).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'mismatch', after: all[19], through: all[29] }),
    ]);
    expect(report.checkpointsMatched).toBe(5);
  });

  it('detects a changed actor in the metadata and a changed recording instant', async () => {
    const all = await sealedLog();
    await sql(
      `UPDATE event_store.events SET metadata = jsonb_set(metadata, '{actor}', '"mallory"') WHERE global_position = $1`,
      [all[2]!.toString()],
    );
    await sql(
      `UPDATE event_store.events SET recorded_at = recorded_at + interval '1 microsecond' WHERE global_position = $1`,
      [all[45]!.toString()],
    );
    const report = await verify();
    expect(report.problems.map((problem) => problem.kind)).toEqual(['mismatch', 'mismatch']);
  });

  it('detects a deleted event', async () => {
    const all = await sealedLog();
    await sql(`DELETE FROM event_store.events WHERE global_position = $1`, [all[12]!.toString()]);
    const report = await verify();
    expect(report.intact).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'mismatch',
        after: all[9],
        through: all[19],
        expected: expect.objectContaining({ count: 20 }),
        actual: expect.objectContaining({ count: 19 }),
      }),
    ]);
  });

  it('detects an inserted event', async () => {
    const all = await sealedLog();
    // Between two single-event appends: positions there leave room (one event per transaction).
    const position = all[4]! + 1n;
    expect(position < all[5]!).toBe(true);
    await sql(
      `INSERT INTO event_store.events (global_position, event_id, stream_name, stream_revision, event_type, schema_version, data, metadata)
       VALUES ($1, $2, 'thing-4', 1, 'ThingHappened', 1, '{"note":"planted"}', '{"actor":"alice"}')`,
      [position.toString(), randomUUID()],
    );
    const report = await verify();
    expect(report.intact).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'mismatch',
        after: 0n,
        through: all[9],
        actual: expect.objectContaining({ count: 11 }),
      }),
    ]);
  });

  it('detects two events swapped in the order', async () => {
    const all = await sealedLog();
    const [a, b] = [all[31]!.toString(), all[36]!.toString()];
    await sql(`UPDATE event_store.events SET global_position = -1 WHERE global_position = $1`, [a]);
    await sql(`UPDATE event_store.events SET global_position = $1 WHERE global_position = $2`, [
      a,
      b,
    ]);
    await sql(`UPDATE event_store.events SET global_position = $1 WHERE global_position = -1`, [b]);
    const report = await verify();
    expect(report.intact).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'mismatch', after: all[29], through: all[39] }),
    ]);
  });

  it('detects a log cut short, given a checkpoint saved elsewhere, though the stored ones were cut too', async () => {
    const all = await sealedLog();
    const saved = (await verify()).newestSigned!;
    expect(saved.checkpoint).toMatchObject({ position: all[59]!.toString(), count: 60 });
    await sql(`DELETE FROM event_store.events WHERE global_position > $1`, [all[44]!.toString()]);
    await sql(`DELETE FROM audit.checkpoints WHERE position > $1`, [all[44]!.toString()]);

    // Cut at a checkpoint, with the later checkpoints gone too, the log alone looks whole...
    expect((await verify()).intact).toBe(true);
    // ...which is why a verifier keeps the newest checkpoint it saw.
    const report = await verify([saved]);
    expect(report.intact).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'truncated',
        lastPosition: all[44],
        checkpoint: all[59],
        missingAtLeast: 15,
      }),
    ]);
  });

  it('detects a log cut short when the stored checkpoints were left alone', async () => {
    const all = await sealedLog();
    await sql(`DELETE FROM event_store.events WHERE global_position > $1`, [all[54]!.toString()]);
    const report = await verify();
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'truncated', lastPosition: all[54] }),
    ]);
  });

  it('detects a checkpoint row rewritten; a sealer with another key will not build on the chain', async () => {
    const all = await sealedLog();
    await sql(`UPDATE audit.checkpoints SET head = $1 WHERE position = $2`, [
      'f'.repeat(64),
      all[9]!.toString(),
    ]);
    const forger = new ChainSealer({ pool: postgres.database.pool, key: otherKey });
    await sql(`DELETE FROM audit.checkpoints WHERE position = $1`, [all[59]!.toString()]);
    await sql(`DELETE FROM event_store.events WHERE global_position = $1`, [all[59]!.toString()]);
    await postgres.store.append('planted', events(1, 'acme'), 'no-stream');
    await expect(forger.sealOnce()).rejects.toThrow(/valid signature/);
    const report = await verify();
    expect(report.problems).toContainEqual(
      expect.objectContaining({ kind: 'bad-signature', position: all[9]!.toString() }),
    );
    expect(report.intact).toBe(false);
  });

  it('does not seal past a transaction still running, and seals its events in place once it commits', async () => {
    await buildLog();
    const slow = await postgres.database.pool.connect();
    try {
      await slow.query('BEGIN');
      await slow.query(`SELECT pg_current_xact_id()`); // takes its xid (its position) now
      await postgres.store.append('after-slow', events(4, 'acme'), 'no-stream');
      const before = await sealer().sealOnce();
      expect(before.events).toBe(60); // not the 4 events that committed after the slow one began
      await slow.query(
        `INSERT INTO event_store.events (global_position, event_id, stream_name, stream_revision, event_type, schema_version, data, metadata)
         VALUES (pg_current_xact_id()::text::bigint << 16, $1, 'slow', 0, 'ThingHappened', 1, '{}', '{"actor":"slow"}')`,
        [randomUUID()],
      );
      await slow.query('COMMIT');
    } finally {
      slow.release();
    }
    const after = await sealer().sealOnce();
    expect(after.events).toBe(5);
    expect(await verify()).toMatchObject({ intact: true, events: 65, unsealed: 0 });
  });

  it('keeps one chain when two sealers race', async () => {
    await buildLog();
    const rounds = await Promise.all([
      sealer().sealOnce(),
      sealer().sealOnce(),
      sealer().sealOnce(),
    ]);
    expect(rounds.some((round) => round.events > 0)).toBe(true);
    await sealer().sealOnce();
    const report = await verify();
    expect(report).toMatchObject({ intact: true, events: 60, unsealed: 0 });
  });

  it('seals and verifies in the background while appends go on', async () => {
    const background = new ChainSealer({ pool: postgres.database.pool, key, intervalMs: 5 });
    background.start();
    const writers = Array.from({ length: 4 }, async (_, writer) => {
      for (let i = 0; i < 25; i += 1)
        await postgres.store.append(`w${writer}-${i}`, events(2, 'acme'), 'no-stream');
    });
    await Promise.all(writers);
    await background.stop();
    await sealer().sealOnce();
    expect(await verify()).toMatchObject({ intact: true, events: 200, unsealed: 0 });
  });
});
