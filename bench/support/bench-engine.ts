import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadOrCreateSigningKey, type SigningKey } from '../../libs/access/src/keys/signing-key';
import { freePort } from '../../test/support/free-port';

export interface BenchEngineOptions {
  /** The built engine's main.js. */
  readonly main: string;
  /** Added to the engine's environment; LOOM_DATA_DIR and the ports are the bench's own. */
  readonly env: Readonly<Record<string, string>>;
  /** Starts node with --cpu-prof: the profile is written there when the engine exits. */
  readonly cpuProfileDir?: string | undefined;
  /**
   * An existing data directory to start on (a restart: its PostgreSQL cluster, log and key), which
   * stop() then leaves in place for the caller to delete; unset: a fresh temporary one.
   */
  readonly dataDir?: string | undefined;
}

export interface BenchEngine {
  /** host:port of the gRPC API. */
  readonly address: string;
  readonly pid: number;
  /** LOOM_DATA_DIR: a fresh temporary directory, deleted by stop(). */
  readonly dataDir: string;
  /** The data directory's token signing key, for tokens the engine accepts. */
  readonly signingKey: SigningKey;
  /** The engine's Prometheus metrics (GET /metrics on its HTTP port). */
  readonly metricsUrl: string;
  /** From the spawn to the first healthy /healthz (polled every 50 ms). */
  readonly startMs: number;
  /** The end of what the engine printed (JSON log lines at level warn and above). */
  output(): string;
  /**
   * SIGTERM, as an orchestrator stops it; waits for the exit, then deletes the data directory
   * (unless it was given).
   */
  stop(): Promise<void>;
}

const keptOutputChars = 64 * 1024;
const startTimeoutMs = 90_000;

/**
 * The built engine as a separate process, as `npm start` runs it (its embedded PostgreSQL in a
 * fresh temporary data directory), on free loopback ports; like test/support/engine-harness.ts,
 * the signing key is created before the engine starts, so the bench can mint tokens with it.
 */
export async function startBenchEngine(options: BenchEngineOptions): Promise<BenchEngine> {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'loom-bench-engine-')));
  const removeDataDir = async (): Promise<void> => {
    if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
  };
  let env: Record<string, string>;
  let signingKey: SigningKey;
  let grpcPort: number;
  let httpPort: number;
  try {
    signingKey = await loadOrCreateSigningKey(dataDir);
    [grpcPort, httpPort] = [await freePort(), await freePort()];
    env = {
      PATH: process.env['PATH'] ?? '',
      LOOM_LOG_LEVEL: 'warn',
      ...options.env,
      // The bench's own: the token signing key lives there, and the ports must be free.
      LOOM_DATA_DIR: dataDir,
      LOOM_EMBEDDED_PG_PORT: String(await freePort()),
      LOOM_GRPC_HOST: '127.0.0.1',
      LOOM_GRPC_PORT: String(grpcPort),
      LOOM_HTTP_HOST: '127.0.0.1',
      LOOM_HTTP_PORT: String(httpPort),
    };
  } catch (error) {
    await removeDataDir();
    throw error;
  }
  const profiling =
    options.cpuProfileDir === undefined
      ? []
      : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...profiling, options.main], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer | string): void => {
    output = (output + chunk.toString()).slice(-keptOutputChars);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let running = true;
  const exited = new Promise<void>((resolve) => {
    const ended = (): void => {
      running = false;
      resolve();
    };
    child.once('exit', ended);
    child.once('error', (error) => {
      append(`${error.message}\n`);
      ended();
    });
  });
  // Ctrl-C or a crash of the bench: the engine stops its PostgreSQL on SIGTERM by itself.
  const cleanUpAtExit = (): void => {
    child.kill('SIGTERM');
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', cleanUpAtExit);
  const stop = async (): Promise<void> => {
    if (running) {
      child.kill('SIGTERM');
      const killed = await Promise.race([
        exited.then(() => false),
        sleep(60_000, true, { ref: false }),
      ]);
      if (killed) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    await removeDataDir();
    process.off('exit', cleanUpAtExit);
  };
  const { pid } = child;
  let startMs: number;
  try {
    await waitUntilServing(httpPort, () => !running);
    startMs = performance.now() - spawnedAt;
    if (pid === undefined) throw new Error('the engine process has no pid');
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}:\n${output}`, {
      cause: error,
    });
  }
  return {
    address: `127.0.0.1:${grpcPort}`,
    pid,
    dataDir,
    signingKey,
    metricsUrl: `http://127.0.0.1:${httpPort}/metrics`,
    startMs,
    output: () => output,
    stop,
  };
}

/** Polls GET /healthz: the HTTP server listens once the gRPC server serves. */
async function waitUntilServing(httpPort: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exited()) throw new Error('the engine exited while starting');
    const healthy = await fetch(`http://127.0.0.1:${httpPort}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return;
    if (Date.now() > deadline)
      throw new Error(`the engine did not serve within ${startTimeoutMs} ms`);
    await sleep(50);
  }
}
