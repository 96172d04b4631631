import { randomUUID } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Replaces `path` with `text` so that a reader, or a process started after a crash (kill -9,
 * power loss), sees the old content or the new, never a mix: write a temporary file beside it,
 * fsync it, rename it over the old one, fsync the directory so that the rename itself is durable.
 * Synchronous on purpose: it runs while holding the lock, and a kill can only land before the
 * rename (old state) or after it (new state).
 */
export function writeFileAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    const file = openSync(temporary, 'w', 0o644);
    try {
      writeSync(file, text);
      fsyncSync(file);
    } finally {
      closeSync(file);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  const directory = openSync(dirname(path), 'r');
  try {
    fsyncSync(directory);
  } finally {
    closeSync(directory);
  }
}

/** The file's text, or undefined when there is no such file. */
export function readFileIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * As writeFileAtomically, without blocking the event loop; the directory's fsync is left out
 * with `syncDirectory: false` when the caller fsyncs it once after several files.
 */
export async function writeFileAtomicallyAsync(
  path: string,
  text: string,
  { syncDirectory = true }: { readonly syncDirectory?: boolean } = {},
): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    const file = await open(temporary, 'w', 0o644);
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  if (syncDirectory) await fsyncDirectory(dirname(path));
}

/** Makes the directory's entries (files created, renamed or removed in it) durable. */
export async function fsyncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** The file's text, or undefined when there is no such file; without blocking. */
export async function readFileIfExistsAsync(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
