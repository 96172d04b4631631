import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A Loom process killed with SIGKILL leaves its PostgreSQL child running on the data directory.
 * Ask that server for a fast shutdown (SIGINT: committed data is safe) before starting anew.
 * Only for the data directory's owner (lockDataDir): a live engine holds the lock, so a server
 * found running once the lock is taken belongs to an owner that is dead.
 */
export async function stopStalePostmaster(databaseDir: string, timeoutMs = 15_000): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline)
      throw new Error(`PostgreSQL (pid ${pid}) on ${databaseDir} did not stop`);
    await sleep(50);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
