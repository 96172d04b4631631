import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadVerificationKey, TokenVerifier } from '@loom/access';
import { tokenCommand } from './token.command';

describe('loomctl token mint', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loomctl-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
    const printed: string[] = [];
    await tokenCommand(env, (line) => printed.push(line)).parseAsync(args, { from: 'user' });
    return printed;
  }

  it('prints a token the engine on the same data directory accepts', async () => {
    const [token] = await run([
      'mint',
      '--role',
      'tenant',
      '--tenant',
      'acme',
      '--subject',
      'alice',
      '--data-dir',
      dataDir,
    ]);
    // The engine's path: no LOOM_JWT_PUBLIC_KEY, so the data directory's key.
    const verifier = new TokenVerifier(await loadVerificationKey({ dataDir }));
    await expect(verifier.verify(token!)).resolves.toEqual({
      subject: 'alice',
      role: 'tenant',
      tenant: 'acme',
    });
  });

  it('takes the data directory from LOOM_DATA_DIR', async () => {
    const [token] = await run(['mint', '--role', 'auditor'], { LOOM_DATA_DIR: dataDir });
    const verifier = new TokenVerifier(await loadVerificationKey({ dataDir }));
    await expect(verifier.verify(token!)).resolves.toEqual({ subject: 'loomctl', role: 'auditor' });
  });

  it('refuses a tenant token without a tenant', async () => {
    await expect(run(['mint', '--role', 'tenant', '--data-dir', dataDir])).rejects.toThrow(
      'role tenant needs a tenant id',
    );
  });
});
