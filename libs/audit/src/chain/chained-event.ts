/**
 * An event exactly as the log stores it, every column the chain covers. `data` and `metadata` are
 * the stored JSON text (PostgreSQL's canonical `jsonb` output), `recordedAt` the recording instant
 * in microseconds since the epoch: no parsing, so nothing is lost or reformatted before hashing.
 */
export interface ChainedEvent {
  readonly position: bigint;
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: string;
  readonly metadata: string;
  readonly recordedAtMicros: string;
}

/**
 * One string per event that no other event shares: every field length-prefixed, so no field's
 * content can be shifted into another. The position is in it, so renumbering an event changes it.
 */
export function encodeChainedEvent(event: ChainedEvent): string {
  return [
    event.position.toString(),
    event.id,
    event.stream,
    String(event.revision),
    event.type,
    String(event.schemaVersion),
    event.data,
    event.metadata,
    event.recordedAtMicros,
  ]
    .map((field) => `${field.length}:${field}`)
    .join('|');
}
