import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  auditMigrations,
  ChainSealer,
  generateAuditPrivateJwk,
  importAuditSigningKey,
} from '@loom/audit';
import { openTestEventStore, type TestEventStore } from '../../../../test/support/test-event-store';
import type { CliContext } from '../cli/cli-context';
import { buildProgram, runProgram } from '../program';

/** `loomctl audit verify` against a real database: its report and the exit statuses scripts use. */
describe('loomctl audit verify', () => {
  let postgres: TestEventStore;
  let dir: string;

  beforeEach(async () => {
    postgres = await openTestEventStore({ migrations: auditMigrations });
    dir = await mkdtemp(join(tmpdir(), 'loomctl-audit-'));
    const jwk = await generateAuditPrivateJwk();
    await writeFile(join(dir, 'audit-signing-key.json'), JSON.stringify(jwk), { mode: 0o600 });
    const key = await importAuditSigningKey(jwk, 'test');
    for (let i = 0; i < 12; i += 1) {
      await postgres.store.append(
        `thing-${i}`,
        [{ type: 'ThingHappened', data: { i }, metadata: { actor: 'alice', tenant: 'acme' } }],
        'no-stream',
      );
    }
    await new ChainSealer({ pool: postgres.database.pool, key, eventsPerCheckpoint: 4 }).sealOnce();
  });
  afterEach(async () => {
    await postgres.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function loomctl(...args: string[]) {
    const out: string[] = [];
    let exitCode = 0;
    const context: CliContext = {
      env: { DATABASE_URL: postgres.database.url, LOOM_DATA_DIR: dir },
      io: {
        print: (line) => out.push(line),
        warn: (line) => out.push(line),
        setExitCode: (code) => {
          exitCode = code;
        },
        progressStream: new PassThrough(),
        onInterrupt: () => () => undefined,
      },
    };
    const code = await runProgram(
      buildProgram(context, () => Promise.resolve('')),
      ['node', 'loomctl', 'audit', 'verify', ...args],
      context,
    );
    return { code: code ?? exitCode, out: out.join('\n') };
  }

  it('exits 0 on an untouched log and says what it vouches for', async () => {
    const { code, out } = await loomctl();
    expect(code).toBe(0);
    expect(out).toMatch(/^LOG +INTACT$/m);
    expect(out).toMatch(/^EVENTS +12 \(0 after the last checkpoint/m);
    expect(out).toMatch(/^CHECKPOINTS +3 stored, 3 matched$/m);
  });

  it('exits 3 on a changed event and names the range', async () => {
    await postgres.database.pool.query(
      `UPDATE event_store.events SET data = '{"i": 99}'
       WHERE global_position = (SELECT global_position FROM event_store.events ORDER BY global_position OFFSET 5 LIMIT 1)`,
    );
    const { code, out } = await loomctl('--json');
    expect(code).toBe(3);
    const report = JSON.parse(out) as { intact: boolean; problems: { kind: string }[] };
    expect(report.intact).toBe(false);
    expect(report.problems.map((problem) => problem.kind)).toEqual(['mismatch']);
  });

  it('exits 3 on a log cut short, against a checkpoint saved by an earlier run', async () => {
    const saved = join(dir, 'kept-elsewhere.json');
    expect((await loomctl('--save-checkpoint', saved)).code).toBe(0);
    expect(JSON.parse(await readFile(saved, 'utf8'))).toMatchObject({ checkpoint: { count: 12 } });
    const cut = `(SELECT global_position FROM event_store.events ORDER BY global_position OFFSET 7 LIMIT 1)`;
    await postgres.database.pool.query(
      `DELETE FROM event_store.events WHERE global_position > ${cut}`,
    );
    await postgres.database.pool.query(`DELETE FROM audit.checkpoints WHERE position > ${cut}`);
    expect((await loomctl()).code).toBe(0);
    const { code, out } = await loomctl('--checkpoint', saved);
    expect(code).toBe(3);
    expect(out).toMatch(
      /^truncated +after \d+ +the log ends before checkpoint \d+: at least 4 events missing$/m,
    );
  });

  it('exits 3 when the key it was given did not sign the checkpoints', async () => {
    const other = join(dir, `other-${randomUUID()}.json`);
    await writeFile(other, JSON.stringify(await generateAuditPrivateJwk()));
    const { code, out } = await loomctl('--public-key', other);
    expect(code).toBe(3);
    expect(out).toMatch(/^bad checkpoint/m);
  });
});
