import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
   * SIGKILL to the server and all its backends and to the process that started it, as a crash
   * of the machine's database would.
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
          signalServer(await postmasterPid(dataDir), 'SIGKILL');
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
        async signalServer(signal) {
          signalServer(await postmasterPid(dataDir), signal);
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

/**
 * The server and every process it started. PostgreSQL's children each call setsid(), so they
 * are not in the server's process group: they are found by their parent in /proc (Linux).
 */
function signalServer(pid: number, signal: NodeJS.Signals): void {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => parentOf(Number(entry)) === pid)
    .map(Number);
  // The children first when stopping, so none sees its parent gone and exits.
  for (const target of [...children, pid]) {
    try {
      process.kill(target, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so after its ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
