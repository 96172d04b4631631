import type { Operation } from '@loom/api-contract';
import { NotFoundError, type NetworkQueries, type RequestedOperation } from '@loom/network';
import { toOperation, toRecordedOperation } from './resource-mapping';

export async function readOperation(queries: NetworkQueries, name: string): Promise<Operation> {
  const row = await queries.operation(name);
  if (!row) throw new NotFoundError(name);
  return toOperation(row);
}

/**
 * The reply to a mutating request: its operation as this call recorded it, without waiting for
 * the operations' read model; read from there only when an earlier attempt did the work.
 */
export function answerOperation(
  queries: NetworkQueries,
  requested: RequestedOperation,
): Promise<Operation> | Operation {
  return requested.recorded
    ? toRecordedOperation(requested.recorded)
    : readOperation(queries, requested.name);
}
