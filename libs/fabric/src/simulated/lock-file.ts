import { randomUUID } from 'node:crypto';
import { link, rename, rm, stat, writeFile } from 'node:fs/promises';
import { FabricStoreError } from '../errors';
import { readFileIfExistsAsync } from './atomic-file';

export interface LockFileOptions {
  /** A lock older than this is taken over even if its holder still runs (stuck or paused). */
  readonly staleMs: number;
  /** Give up acquiring after this long. */
  readonly timeoutMs: number;
}

interface Holder {
  readonly pid?: unknown;
  readonly token?: unknown;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): Holder {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    // Not written by this code: only its age can make it stale.
    return {};
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

async function modifiedAt(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The lock's text if it is stale: its holder died (a kill -9 leaves the file behind) or it is
 * older than `staleMs`. Undefined when it is live or gone.
 */
async function staleLockText(path: string, staleMs: number): Promise<string | undefined> {
  const modified = await modifiedAt(path);
  const text = await readFileIfExistsAsync(path);
  if (modified === undefined || text === undefined) return undefined;
  const { pid } = parseHolder(text);
  const dead = typeof pid === 'number' && Number.isInteger(pid) && pid > 0 && !isAlive(pid);
  return dead || Date.now() - modified > staleMs ? text : undefined;
}

/**
 * Takes a stale lock away. The rename is atomic, so of several processes breaking the same lock
 * only one succeeds; if what it moved is no longer the lock it judged stale (a new holder got in
 * between), it puts that lock back.
 */
async function breakLock(path: string, staleText: string): Promise<void> {
  const moved = `${path}.stale-${randomUUID()}`;
  try {
    await rename(path, moved);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  if ((await readFileIfExistsAsync(moved)) !== staleText) {
    try {
      await link(moved, path);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
  }
  await rm(moved, { force: true });
}

/**
 * Creates the lock with its holder already written in it. The content goes into a file of our
 * own first (created O_EXCL), which is then hard-linked to the lock path: the link is atomic and
 * fails if the lock exists, like an O_EXCL create, but a kill -9 can never leave an empty lock
 * whose holder nobody can tell (that one could only go stale by age).
 */
async function tryCreate(path: string, token: string): Promise<boolean> {
  const own = `${path}.${process.pid}.${token}.tmp`;
  await writeFile(
    own,
    JSON.stringify({ pid: process.pid, token, acquiredAt: new Date().toISOString() }),
    { flag: 'wx', mode: 0o644 },
  );
  try {
    await link(own, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(own, { force: true });
  }
}

async function release(path: string, token: string): Promise<void> {
  const text = await readFileIfExistsAsync(path);
  // Only our own lock: if ours was taken over as stale, the file is someone else's now.
  if (text !== undefined && parseHolder(text).token === token) await rm(path, { force: true });
}

/** Retry delays stay short: a transaction holds the lock for a read of what is new and an append. */
const maxBackoffMs = 5;

/**
 * An exclusive lock shared by processes through a lock file: created with O_EXCL, retried with
 * a short random backoff, taken over when stale.
 *
 * A process that has many transactions queued would otherwise take the lock again the moment it
 * lets go, before a sleeping waiter wakes, and starve other processes. So waiters touch a marker
 * file, and a holder that finds it touched during its turn steps aside for a moment.
 */
export class FileLock {
  private stepAsideUntil = 0;

  constructor(
    readonly path: string,
    private readonly options: LockFileOptions,
  ) {}

  get waitingMarkerPath(): string {
    return `${this.path}.waiting`;
  }

  /**
   * Runs `work` holding the lock; `work` may await (a file-backed device's append and fsync).
   * Nothing blocks the event loop: the lock's own file operations are asynchronous too.
   */
  async run<T>(work: () => T | Promise<T>): Promise<T> {
    const held = await this.acquire();
    try {
      return await work();
    } finally {
      await this.release(held);
    }
  }

  /** Takes the lock, waiting for it at most `timeoutMs`; give it back with release. */
  async acquire(): Promise<HeldLock> {
    const pause = this.stepAsideUntil - Date.now();
    if (pause > 0) await sleep(pause);
    const token = randomUUID();
    const started = Date.now();
    for (let attempt = 0; !(await tryCreate(this.path, token)); attempt += 1) {
      const stale = await staleLockText(this.path, this.options.staleMs);
      if (stale !== undefined) {
        await breakLock(this.path, stale);
        continue;
      }
      if (Date.now() - started > this.options.timeoutMs) {
        throw new FabricStoreError(
          `could not lock ${this.path} within ${this.options.timeoutMs} ms`,
        );
      }
      await writeFile(this.waitingMarkerPath, '');
      // The jitter keeps two waiting processes from retrying in step.
      await sleep(1 + Math.random() * Math.min(maxBackoffMs, 1 + attempt));
    }
    return { token, heldSince: Date.now() };
  }

  /** Whether another holder has waited for the lock since `held` was taken. */
  async othersWaiting(held: HeldLock): Promise<boolean> {
    const waited = await modifiedAt(this.waitingMarkerPath);
    return waited !== undefined && waited >= held.heldSince - 1;
  }

  async release(held: HeldLock): Promise<void> {
    await release(this.path, held.token);
    this.stepAsideUntil = (await this.othersWaiting(held))
      ? Date.now() + 2 * (1 + maxBackoffMs)
      : 0;
  }
}

export interface HeldLock {
  readonly token: string;
  readonly heldSince: number;
}
