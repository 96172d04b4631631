import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '../envelope';
import type { EventFilter, EventStore, EventSubscription } from '../event-store.port';

/** A stream prefix no other test uses, so tests can share one store. */
export function uniquePrefix(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}-`;
}

export function newEvents(count: number, type = 'ThingHappened'): NewEvent[] {
  return Array.from({ length: count }, (_, index) => ({
    id: randomUUID(),
    type,
    data: { index, note: `event ${index}` },
    metadata: { tenant: 'acme', actor: 'contract-test', correlationId: randomUUID() },
  }));
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

export async function readAllIds(store: EventStore, filter: EventFilter): Promise<string[]> {
  return (await collect(store.readAll({ filter, batchSize: 7 }))).map((event) => event.id);
}

/** Takes events from a subscription until `count` arrived or `timeoutMs` passed. */
export async function take(
  subscription: EventSubscription,
  count: number,
  timeoutMs = 20_000,
): Promise<RecordedEvent[]> {
  const received: RecordedEvent[] = [];
  if (count === 0) return received;
  const timer = setTimeout(() => void subscription.close(), timeoutMs);
  try {
    for await (const event of subscription) {
      received.push(event);
      if (received.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return received;
}

export async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
