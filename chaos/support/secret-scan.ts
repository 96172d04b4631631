import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Files of a data directory that hold secrets, all of which must be readable by the owner alone. */
export const secretFiles = [
  'jwt-signing-key.json',
  'audit-signing-key.json',
  'page-token-key',
  'postgres-credentials.json',
];

export async function fileModes(dataDir: string): Promise<Record<string, string>> {
  const modes: Record<string, string> = {};
  for (const file of secretFiles) {
    const { mode } = await stat(join(dataDir, file));
    modes[file] = (mode & 0o777).toString(8);
  }
  return modes;
}

/**
 * The secret strings of a data directory, as they could leak: the signing keys' private parts
 * (`d` of each JWK), the page token key, the database password.
 */
export async function secretsOf(dataDir: string): Promise<Record<string, string>> {
  const read = (file: string) => readFile(join(dataDir, file), 'utf8');
  const privatePart = async (file: string) => (JSON.parse(await read(file)) as { d: string }).d;
  const { password } = JSON.parse(await read('postgres-credentials.json')) as { password: string };
  return {
    'token signing key (d)': await privatePart('jwt-signing-key.json'),
    'audit signing key (d)': await privatePart('audit-signing-key.json'),
    'page token key': (await read('page-token-key')).trim(),
    'database password': password,
    'database password (URL-encoded)': encodeURIComponent(password),
  };
}

/** Which of the `secrets` (by name) appear in `text`, and in how many of its lines. */
export function leaks(text: string, secrets: Record<string, string>): Record<string, number> {
  const found: Record<string, number> = {};
  const lines = text.split('\n');
  for (const [name, secret] of Object.entries(secrets)) {
    if (secret.length < 8) throw new Error(`${name} is too short to search for`);
    const hits = lines.filter((line) => line.includes(secret)).length;
    if (hits > 0) found[name] = hits;
  }
  return found;
}
