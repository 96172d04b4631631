import { configPath, readConfig } from '../config/config-file';
import { resolveConnection, type Connection, type ConnectionFlags } from '../config/connection';
import type { LoomClient } from '../api';
import type { CliContext } from './cli-context';
import { loadApi, type ApiModule } from './lazy-modules';

/** One command's connection to the engine. */
export interface Session {
  readonly client: LoomClient;
  readonly api: ApiModule;
  readonly connection: Connection;
}

/**
 * Runs `work` with a client for the engine the flags, environment and config file name, closes
 * it afterwards, and turns a failed call into its message and exit status.
 */
export async function withSession<T>(
  context: CliContext,
  flags: ConnectionFlags,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const config = await readConfig(configPath(context.env));
  const connection = resolveConnection(flags, context.env, config);
  const api = loadApi();
  const client = api.createLoomClient(connection.server, connection.token);
  try {
    return await work({ client, api, connection });
  } catch (error) {
    throw api.failureOfCall(error, connection.server);
  } finally {
    client.close();
  }
}
