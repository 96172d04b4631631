import type { Operation } from '@loom/api-contract';
import { NotFoundError, type NetworkQueries } from '@loom/network';
import { toOperation } from './resource-mapping';

export async function readOperation(queries: NetworkQueries, name: string): Promise<Operation> {
  const row = await queries.operation(name);
  if (!row) throw new NotFoundError(name);
  return toOperation(row);
}
