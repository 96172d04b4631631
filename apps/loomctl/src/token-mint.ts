import { loadOrCreateSigningKey } from '@loom/access/keys/signing-key';
import { mintToken } from '@loom/access/tokens/token-minter';
import type { Role } from '@loom/access/principal';

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
  const key = await loadOrCreateSigningKey(options.dataDir);
  return mintToken(key, {
    role: options.role,
    tenant: options.tenant,
    subject: options.subject,
    ttl: options.ttl,
  });
}
