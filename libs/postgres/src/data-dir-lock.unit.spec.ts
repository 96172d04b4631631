import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, lockByPidFile, lockDataDir } from './data-dir-lock';

/** A live process that is not this one. */
function otherProcess(): ChildProcess {
  return spawn('sleep', ['30'], { stdio: 'ignore' });
}

async function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((done) => child.once('exit', done));
}

describe('lockDataDir', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loom-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the directory, and lets the process that holds it lock it again', async () => {
    const dataDir = join(dir, 'data');
    const first = await lockDataDir(dataDir);
    const second = await lockDataDir(`${dataDir}/.`);
    expect(existsSync(dataDir)).toBe(true);
    expect(second.dataDir).toBe(dataDir);
    await first.release();
    await second.release();
    await second.release(); // twice is harmless
    const again = await lockDataDir(dataDir);
    await again.release();
  });

  it('says which data directory and which process in its refusal', () => {
    expect(new DataDirInUseError('/srv/loom', 4242).message).toBe(
      'data directory /srv/loom is in use by process 4242: stop it first, or give this engine a LOOM_DATA_DIR of its own',
    );
    expect(new DataDirInUseError('/srv/loom', undefined).message).toContain(
      'is in use by another process',
    );
  });
});

describe('lockByPidFile (where there are no abstract sockets)', () => {
  let dir: string;
  const pidFile = (): string => join(dir, 'engine.pid');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loom-pidfile-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes its pid, and removes the file when released', async () => {
    const release = await lockByPidFile(dir);
    expect(await readFile(pidFile(), 'utf8')).toBe(`${process.pid}\n`);
    await release();
    expect(existsSync(pidFile())).toBe(false);
  });

  it('refuses while the process named in the file lives', async () => {
    const owner = otherProcess();
    try {
      await writeFile(pidFile(), `${String(owner.pid)}\n`);
      await expect(lockByPidFile(dir)).rejects.toEqual(new DataDirInUseError(dir, owner.pid));
      expect(await readFile(pidFile(), 'utf8')).toBe(`${String(owner.pid)}\n`);
    } finally {
      owner.kill();
      await ended(owner);
    }
  });

  it('takes over a file left by a process that is gone, or by its own pid in an earlier life', async () => {
    const gone = otherProcess();
    gone.kill();
    await ended(gone);
    for (const stale of [String(gone.pid), String(process.pid), 'garbage']) {
      await writeFile(pidFile(), `${stale}\n`);
      const release = await lockByPidFile(dir);
      expect(await readFile(pidFile(), 'utf8')).toBe(`${process.pid}\n`);
      await release();
    }
  });
});
