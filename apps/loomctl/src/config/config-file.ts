import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from '../cli/cli-error';

/** What `loomctl login` and `token mint --save` remember between calls. */
export interface LoomConfig {
  readonly server?: string;
  readonly token?: string;
}

/** `$LOOM_CONFIG`, else `$XDG_CONFIG_HOME/loom/config.json`, else `~/.config/loom/config.json`. */
export function configPath(env: NodeJS.ProcessEnv): string {
  const explicit = env['LOOM_CONFIG'];
  if (explicit) return explicit;
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'loom', 'config.json');
}

/** The config file's settings; none when it does not exist. */
export async function readConfig(path: string): Promise<LoomConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`${path} is not JSON: fix or delete it (loomctl login writes it)`, 1);
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { server, token } = parsed as Record<string, unknown>;
  return {
    ...(typeof server === 'string' && server ? { server } : {}),
    ...(typeof token === 'string' && token ? { token } : {}),
  };
}

/**
 * Writes the settings readable by their owner only (the file holds a bearer token): the directory
 * 0700 when created, the file 0600, written under a temporary name and renamed so that a reader
 * never sees half a file. An existing file is tightened to 0600 too.
 */
export async function writeConfig(path: string, config: LoomConfig): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

/** Reads, changes and writes back the config file. */
export async function updateConfig(
  path: string,
  change: (config: LoomConfig) => LoomConfig,
): Promise<LoomConfig> {
  const updated = change(await readConfig(path));
  await writeConfig(path, updated);
  return updated;
}
