import { CliError } from '../cli/cli-error';
import type { LoomConfig } from './config-file';

export const DEFAULT_SERVER = 'localhost:50051';

export interface ConnectionFlags {
  readonly server?: string;
  readonly token?: string;
}

export interface Connection {
  readonly server: string;
  readonly token: string;
}

/**
 * Where and as whom to call, each setting from the first place that has it: the flag, the
 * environment (LOOM_SERVER, LOOM_TOKEN), the config file, else the default server. No token
 * anywhere is UNAUTHENTICATED before any call: the engine would answer the same.
 */
export function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  config: LoomConfig,
): Connection {
  const server = flags.server || env['LOOM_SERVER'] || config.server || DEFAULT_SERVER;
  const token = flags.token || env['LOOM_TOKEN'] || config.token;
  if (!token) {
    throw CliError.status(
      'UNAUTHENTICATED',
      'no access token: run `loomctl login`, `loomctl token mint --role portal --save`, or set LOOM_TOKEN',
    );
  }
  return { server, token };
}
