import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPath, readConfig, updateConfig, writeConfig } from './config-file';

describe('loomctl config file', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loomctl-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is $LOOM_CONFIG, else under $XDG_CONFIG_HOME, else under ~/.config', () => {
    expect(configPath({ LOOM_CONFIG: '/etc/loom.json', XDG_CONFIG_HOME: '/x' })).toBe(
      '/etc/loom.json',
    );
    expect(configPath({ XDG_CONFIG_HOME: '/x' })).toBe('/x/loom/config.json');
    expect(configPath({})).toMatch(/\/\.config\/loom\/config\.json$/);
  });

  it('is written readable by its owner only, in a directory of its own', async () => {
    const path = join(dir, 'loom', 'config.json');
    await writeConfig(path, { server: 'engine:50051', token: 'a.b.c' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'loom'))).mode & 0o777).toBe(0o700);
    expect(await readConfig(path)).toEqual({ server: 'engine:50051', token: 'a.b.c' });
  });

  it('tightens a file that others could read when it writes it', async () => {
    const path = join(dir, 'config.json');
    await writeFile(path, '{}');
    await chmod(path, 0o644);
    await updateConfig(path, (config) => ({ ...config, token: 'a.b.c' }));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('keeps the other settings when one changes', async () => {
    const path = join(dir, 'config.json');
    await writeConfig(path, { server: 'engine:50051', token: 'old' });
    await updateConfig(path, (config) => ({ ...config, token: 'new' }));
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      server: 'engine:50051',
      token: 'new',
    });
  });

  it('reads a missing file as no settings, and says which file is not JSON', async () => {
    expect(await readConfig(join(dir, 'absent.json'))).toEqual({});
    const path = join(dir, 'broken.json');
    await writeFile(path, '{token:');
    await expect(readConfig(path)).rejects.toThrow(`${path} is not JSON`);
  });
});
