import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';

/** Another live process holds the data directory. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number | undefined,
  ) {
    super(
      `data directory ${dataDir} is in use by ${pid === undefined ? 'another process' : `process ${pid}`}: ` +
        'stop it first, or give this engine a LOOM_DATA_DIR of its own',
    );
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  readonly dataDir: string;
  /** Gives the lock up (once every holder in this process has). */
  release(): Promise<void>;
}

interface HeldLock {
  refs: number;
  readonly free: () => Promise<void>;
}

/** Locks this process holds, by the directory's device and inode: a process may lock twice. */
const held = new Map<string, HeldLock>();

const attempts = 5;

/**
 * Makes this process the one owner of a data directory (created if missing), or throws
 * DataDirInUseError naming the live process that owns it. The lock dies with its process, even
 * killed with SIGKILL, so whatever a dead owner left behind (its PostgreSQL) may be taken over.
 *
 * On Linux the lock is an abstract Unix socket named after the directory's device and inode (the
 * kernel frees it when the process dies; binding it is atomic; it answers who holds it). It is per
 * network namespace: engines in different containers sharing a volume do not see each other's.
 * Elsewhere it is an `engine.pid` file in the directory, stale when its process is gone.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const directory = resolve(dataDir);
  await mkdir(directory, { recursive: true });
  const { dev, ino } = await stat(directory);
  const key = `${dev}:${ino}`;
  let lock = held.get(key);
  if (lock === undefined) {
    const free =
      process.platform === 'linux'
        ? await lockBySocket(directory, `\0loom-data-dir:${key}`)
        : await lockByPidFile(directory);
    lock = { refs: 0, free };
    held.set(key, lock);
  }
  lock.refs += 1;
  const holder = lock;
  let released = false;
  return {
    dataDir: directory,
    async release() {
      if (released) return;
      released = true;
      holder.refs -= 1;
      if (holder.refs > 0) return;
      held.delete(key);
      await holder.free();
    },
  };
}

async function lockBySocket(directory: string, name: string): Promise<() => Promise<void>> {
  for (let attempt = 1; ; attempt += 1) {
    const server = createServer((socket) => {
      socket.end(`${process.pid}\n`);
    });
    const listening = await listen(server, name);
    if (listening === true) {
      // The lock must never keep the process alive on its own.
      server.unref();
      return () =>
        new Promise((closed) =>
          server.close(() => {
            closed();
          }),
        );
    }
    if (listening.code !== 'EADDRINUSE') throw listening;
    const owner = await askOwner(name);
    // The owner was there when we tried to bind, and gone when we asked: try again.
    if (owner === 'gone' && attempt < attempts) continue;
    throw new DataDirInUseError(directory, owner === 'gone' ? undefined : owner);
  }
}

function listen(server: Server, path: string): Promise<true | NodeJS.ErrnoException> {
  return new Promise((settle) => {
    server.once('error', settle);
    server.listen({ path, exclusive: true }, () => {
      server.off('error', settle);
      settle(true);
    });
  });
}

/** The pid the lock's owner answers with, undefined when it answers nothing readable. */
function askOwner(path: string): Promise<number | undefined | 'gone'> {
  return new Promise((settle) => {
    let answer = '';
    const socket = connect({ path });
    socket.setTimeout(2_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      settle(error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? 'gone' : undefined);
    });
    socket.on('close', () => {
      settle(parsePid(answer));
    });
  });
}

/**
 * The lock where abstract sockets do not exist: `engine.pid` in the directory, created
 * exclusively, stale when its process is gone. Exported for its tests; lockDataDir chooses.
 */
export async function lockByPidFile(directory: string): Promise<() => Promise<void>> {
  const file = join(directory, 'engine.pid');
  for (let attempt = 1; ; attempt += 1) {
    try {
      const handle = await open(file, 'wx', 0o644);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        const owner = parsePid(await readFile(file, 'utf8').catch(() => ''));
        if (owner === process.pid) await unlink(file).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = parsePid(await readFile(file, 'utf8').catch(() => ''));
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
      throw new DataDirInUseError(directory, owner);
    }
    if (attempt >= attempts) throw new DataDirInUseError(directory, owner);
    // Left by a process that is gone (or by this one's previous life with the same pid).
    await unlink(file).catch(() => undefined);
  }
}

function parsePid(text: string): number | undefined {
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
