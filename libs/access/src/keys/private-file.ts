import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The content of a secret file (mode 0600), created with `create()` when absent. The new content
 * goes to a temporary file that is then linked into place: linking fails if another process (the
 * engine and loomctl share a data directory) got there first, and then both use that one. Nobody
 * ever reads half a file.
 */
export async function readOrCreatePrivateFile(
  file: string,
  create: () => Promise<string>,
): Promise<string> {
  const existing = await readPrivateFile(file);
  if (existing !== undefined) return existing;
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const content = await create();
  await writeFile(temporary, content, { mode: 0o600 });
  try {
    await link(temporary, file);
    return content;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readPrivateFile(file);
    if (winner === undefined) throw error;
    return winner;
  } finally {
    await unlink(temporary);
  }
}

async function readPrivateFile(file: string): Promise<string | undefined> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // Like ssh with its keys: a secret other users can read is not a secret.
  const { mode } = await stat(file);
  if ((mode & 0o077) !== 0) {
    throw new Error(
      `${file} is readable by other users (mode ${(mode & 0o777).toString(8)}): chmod 600 it`,
    );
  }
  return content;
}
