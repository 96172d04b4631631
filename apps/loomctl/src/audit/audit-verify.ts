import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import type { JWK } from 'jose';
import {
  AUDIT_KEY_FILE,
  importAuditPublicKey,
  verifyEventLog,
  type EventLogVerification,
  type SignedAuditCheckpoint,
} from '@loom/audit';
import type { CliIo } from '../cli/cli-context';
import { CliError } from '../cli/cli-error';
import { loadCliProgress } from '../cli/lazy-modules';

export interface AuditVerifyFlags {
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly pgPort: number;
  readonly publicKey?: string;
  readonly checkpoint: readonly string[];
  readonly saveCheckpoint?: string;
}

/**
 * Verifies the log straight from the database, not through the engine: a verifier should not
 * have to trust the process whose log it checks. The key is pinned by the verifier (a file it
 * holds), never read from the database.
 */
export async function verifyAuditLog(
  flags: AuditVerifyFlags,
  io: CliIo,
): Promise<EventLogVerification> {
  const url = flags.databaseUrl ?? (await embeddedDatabaseUrl(flags.dataDir, flags.pgPort));
  const publicKey = await readPublicKey(
    flags.publicKey ?? join(resolve(flags.dataDir), AUDIT_KEY_FILE),
  );
  const saved = await Promise.all(flags.checkpoint.map(readSavedCheckpoint));
  const pool = new Pool({ connectionString: url, max: 2, application_name: 'loomctl' });
  // A connection the server ends while idle (it restarts, the database is dropped) is not a
  // failure of the verification: its queries report their own errors.
  pool.on('error', () => undefined);
  try {
    const total = await countEvents(pool);
    const progress = startProgress(io, total);
    try {
      const report = await verifyEventLog({
        pool,
        publicKey,
        savedCheckpoints: saved,
        onProgress: (events) => {
          progress.update(events);
        },
      });
      if (flags.saveCheckpoint !== undefined && report.newestSigned !== undefined) {
        await writeFile(flags.saveCheckpoint, `${JSON.stringify(report.newestSigned, null, 2)}\n`, {
          mode: 0o644,
        });
      }
      return report;
    } finally {
      progress.stop();
    }
  } finally {
    await pool.end();
  }
}

async function embeddedDatabaseUrl(dataDir: string, port: number): Promise<string> {
  const file = join(resolve(dataDir), 'postgres-credentials.json');
  let credentials: { user: string; password: string };
  try {
    credentials = JSON.parse(await readFile(file, 'utf8')) as typeof credentials;
  } catch {
    throw CliError.usage(
      `no --database-url and no embedded PostgreSQL credentials in ${file}: pass --database-url or --data-dir`,
    );
  }
  return `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/loom`;
}

async function readPublicKey(file: string) {
  let jwk: JWK;
  try {
    jwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch {
    throw CliError.usage(
      `cannot read the audit public key (a JWK) from ${file}: pass --public-key`,
    );
  }
  return importAuditPublicKey(jwk, file);
}

async function readSavedCheckpoint(file: string): Promise<SignedAuditCheckpoint> {
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as SignedAuditCheckpoint;
    if (typeof saved.jws !== 'string' || typeof saved.checkpoint.position !== 'string') {
      throw new Error('not a checkpoint');
    }
    return saved;
  } catch {
    throw CliError.usage(
      `${file} is not a checkpoint saved by loomctl audit verify --save-checkpoint`,
    );
  }
}

async function countEvents(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(
    `SELECT count(*)::text AS count FROM event_store.events`,
  );
  return Number(rows[0]?.count ?? 0);
}

/** A bar on the person's terminal for a long read; nothing for scripts or a small log. */
function startProgress(io: CliIo, total: number): { update(n: number): void; stop(): void } {
  if (io.progressStream.isTTY !== true || total < 5000) {
    return { update: () => undefined, stop: () => undefined };
  }
  const bar = new (loadCliProgress().SingleBar)({
    stream: io.progressStream,
    format: 'verifying [{bar}] {value}/{total} events {eta_formatted}',
    clearOnComplete: true,
    hideCursor: true,
    gracefulExit: false,
  });
  bar.start(total, 0);
  return {
    update: (n) => {
      bar.update(Math.min(n, total));
    },
    stop: () => {
      bar.stop();
    },
  };
}
