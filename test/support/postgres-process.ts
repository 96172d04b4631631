import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** The built @loom/postgres beside the engine build the tests use (see engine-process.ts). */
const postgresLibrary = resolve(
  process.env['LOOM_E2E_ENGINE_MAIN']
    ? join(dirname(process.env['LOOM_E2E_ENGINE_MAIN']), '../../..')
    : resolve(__dirname, '../../dist'),
  'libs/postgres/src/index.js',
);

export interface PostgresProcess {
  /** Connection string of its `loom` database. */
  readonly url: string;
  /** Stops the server cleanly (as the engine does) and waits for its process to end. */
  stop(): Promise<void>;
  /**
   * SIGKILL to the server and all its backends (its process group: it runs in a session of its
   * own) and to the process that started it, as a crash of the machine's database would.
   */
  kill(): Promise<void>;
  /** SIGSTOP (or SIGCONT) to the server and all its backends: a database that hangs. */
  signalServer(signal: 'SIGSTOP' | 'SIGCONT'): Promise<void>;
}

// Run in its own node process: the embedded server's packages are ES modules, which Jest's
// sandbox cannot load; the built @loom/postgres (npx nest build engine) can.
const script = `
const { ensureDatabase, startEmbeddedPostgres } = require(${JSON.stringify(postgresLibrary)});
const [dataDir, port] = process.argv.slice(1);
startEmbeddedPostgres({ dataDir, port: Number(port), signals: 'caller' }).then(
  async (server) => {
    await ensureDatabase(server.url, 'loom');
    process.stdout.write(JSON.stringify({ url: server.urlFor('loom') }) + '\\n');
    const stop = () => server.stop().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  },
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error) + '\\n');
    process.exit(1);
  },
);
`;

/**
 * A PostgreSQL of the test's own, started and stopped at will: @loom/postgres's embedded server
 * in a process of its own, on `dataDir` and `port` (the same again after a stop: the same data).
 */
export function startPostgresProcess(dataDir: string, port: number): Promise<PostgresProcess> {
  const child = spawn(process.execPath, ['-e', script, dataDir, String(port)], {
    env: { PATH: process.env['PATH'] ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) =>
    child.once('exit', () => {
      done();
    }),
  );
  let output = '';
  return new Promise((resolveStart, rejectStart) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{"url"'));
      if (line === undefined) return;
      const { url } = JSON.parse(line) as { url: string };
      resolveStart({
        url,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
        async kill() {
          signalGroup(await postmasterPid(dataDir), 'SIGKILL');
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
        async signalServer(signal) {
          signalGroup(await postmasterPid(dataDir), signal);
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then(() => {
      rejectStart(new Error(`PostgreSQL did not start:\n${output}`));
    });
  });
}

/** The running server's pid, from the first line of its postmaster.pid. */
async function postmasterPid(dataDir: string): Promise<number> {
  const text = await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid in ${dataDir}/postmaster.pid`);
  return pid;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
