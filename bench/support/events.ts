import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../libs/event-store/src/envelope';

const types = ['VpcCreated', 'SubnetCreated', 'PortCreated', 'FloatingIpAssociated'] as const;

/**
 * A network intent of a typical size: about 200 bytes of data and 250 of metadata as JSON.
 * `sequence` only varies the content.
 */
export function sampleEvent(sequence: number): NewEvent {
  const tenant = `tenant-${String(sequence % 97).padStart(4, '0')}`;
  return {
    type: types[sequence % types.length] ?? 'VpcCreated',
    data: {
      vpcId: randomUUID(),
      subnetId: randomUUID(),
      name: `subnet-${sequence}`,
      cidr: `10.${(sequence >> 8) & 255}.${sequence & 255}.0/24`,
      gateway: `10.${(sequence >> 8) & 255}.${sequence & 255}.1`,
      vni: 10_000 + (sequence % 16_000),
      vrf: `vrf-${tenant}`,
    },
    metadata: {
      tenant,
      actor: 'portal@loom.example',
      requestId: randomUUID(),
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt: new Date().toISOString(),
    },
  };
}

export function sampleEvents(count: number, firstSequence: number): NewEvent[] {
  return Array.from({ length: count }, (_, index) => sampleEvent(firstSequence + index));
}

/**
 * The same content as one stored Loom event (id, stream, revision, type, version, data,
 * metadata) in one JSON document: a row of the same size for the plain-INSERT reference.
 */
export function referenceRow(stream: string, revision: number, event: NewEvent): string {
  return JSON.stringify({
    id: randomUUID(),
    stream,
    revision,
    type: event.type,
    schemaVersion: 1,
    data: event.data,
    metadata: event.metadata,
  });
}

/** Bytes of data and metadata JSON of a sample event, as the store measures an event's size. */
export function sampleEventBytes(): number {
  const event = sampleEvent(12_345);
  return (
    Buffer.byteLength(JSON.stringify(event.data)) +
    Buffer.byteLength(JSON.stringify(event.metadata))
  );
}
