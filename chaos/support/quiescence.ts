import { queryRows } from './checks/event-log';
import { sleep } from './random';

/**
 * Waits until no saga is waiting, running or compensating and every operation is done: the
 * point after a round at which the invariants must hold. Returns what was still busy on time-out.
 */
export async function waitForQuiescence(
  databaseUrl: string,
  timeoutMs: number,
): Promise<{ settled: boolean; busySagas: number; openOperations: number; waitedMs: number }> {
  const started = Date.now();
  for (;;) {
    const [sagas] = await queryRows<{ busy: string }>(
      databaseUrl,
      `SELECT count(*) AS busy FROM sagas.instances
       WHERE status IN ('waiting', 'running', 'compensating')`,
    );
    const [operations] = await queryRows<{ open: string }>(
      databaseUrl,
      `SELECT count(*) AS open FROM (
         SELECT stream_name FROM event_store.events WHERE stream_name LIKE 'operation-%'
         GROUP BY stream_name
         HAVING NOT bool_or(event_type IN ('OperationSucceeded', 'OperationFailed'))) AS open`,
    );
    const busySagas = Number(sagas?.busy ?? 0);
    const openOperations = Number(operations?.open ?? 0);
    const waitedMs = Date.now() - started;
    if (busySagas === 0 && openOperations === 0) {
      return { settled: true, busySagas, openOperations, waitedMs };
    }
    if (waitedMs > timeoutMs) {
      // What the round left busy, for the report: the oldest unfinished sagas as they stand.
      const stuck = await queryRows<Record<string, unknown>>(
        databaseUrl,
        `SELECT saga_id, type, resource_key, status, current_step, last_error, next_run_at,
                lease_owner, lease_expires_at, claims, updated_at
         FROM sagas.instances WHERE status IN ('waiting', 'running', 'compensating')
         ORDER BY created_seq LIMIT 8`,
      );
      const parked = await queryRows<Record<string, unknown>>(
        databaseUrl,
        `SELECT saga_id, type, resource_key, status, current_step, last_error, updated_at
         FROM sagas.instances WHERE status IN ('parked', 'failed')
         ORDER BY created_seq DESC LIMIT 6`,
      );
      stuck.push(...parked);
      process.stderr.write(
        `[chaos] not quiet after ${waitedMs} ms: ${busySagas} sagas busy, ${openOperations} operations open; oldest busy sagas, then the latest parked or failed:\n` +
          stuck.map((row) => `  ${JSON.stringify(row)}`).join('\n') +
          '\n',
      );
      return { settled: false, busySagas, openOperations, waitedMs };
    }
    await sleep(500);
  }
}
