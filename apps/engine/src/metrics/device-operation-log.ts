/** One device operation as this engine saw it: submitted, and (once known) how it ended. */
export interface DeviceOperationRecord {
  readonly device: string;
  readonly operation: string;
  readonly idempotencyKey: string;
  readonly operationId: string;
  readonly submittedAt: string;
  outcome: 'running' | 'succeeded' | 'failed';
  durationMs: number | null;
  message: string | null;
}

const capacity = 10_000;
/** Trimmed back to `capacity` once this many are held: one copy per 1,000 adds, not one each. */
const trimAt = capacity + 1_000;

/**
 * The device operations this process submitted lately (the newest 10,000 to 11,000), for a saga's detail
 * view: its idempotency keys start with the saga id. Memory only: the saga's events are its
 * durable history; this adds what the driver answered and how long it took.
 */
export class DeviceOperationLog {
  private readonly records: DeviceOperationRecord[] = [];

  add(record: DeviceOperationRecord): void {
    this.records.push(record);
    if (this.records.length >= trimAt) this.records.splice(0, this.records.length - capacity);
  }

  ofSaga(sagaId: string): DeviceOperationRecord[] {
    const prefix = `${sagaId}:`;
    return this.records.filter((record) => record.idempotencyKey.startsWith(prefix));
  }
}
