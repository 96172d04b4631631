import type { Role } from '@loom/access';
import { loadTokenSigning } from './cli/lazy-modules';

export interface TokenMintOptions {
  readonly role: Role;
  readonly tenant?: string | undefined;
  readonly subject: string;
  readonly ttl: string;
  readonly dataDir: string;
}

/**
 * A token signed with the data directory's key, created when absent: the code path the engine
 * takes at start, so the engine on that data directory accepts the token.
 */
export async function mintTokenWithDataDir(options: TokenMintOptions): Promise<string> {
  const { loadOrCreateSigningKey, mintToken } = loadTokenSigning();
  const key = await loadOrCreateSigningKey(options.dataDir);
  return mintToken(key, {
    role: options.role,
    tenant: options.tenant,
    subject: options.subject,
    ttl: options.ttl,
  });
}
