import type { IntentRecord } from '../ledger';
import { streamOfResource, type LoggedEvent } from './event-log';

/**
 * Updates carry no request_id, so they are checked by their effect: a live resource's display
 * name is one some update sent (or its first), and the last acknowledged update wins when no
 * other update to it was in flight at or after its time.
 */
export function checkUpdates(
  records: readonly IntentRecord[],
  streams: ReadonlyMap<string, LoggedEvent[]>,
): string[] {
  const violations: string[] = [];
  const updates = new Map<string, IntentRecord[]>();
  for (const record of records) {
    if (!record.method.startsWith('Update')) continue;
    updates.set(record.name, [...(updates.get(record.name) ?? []), record]);
  }
  for (const [name, sent] of updates) {
    const events = streams.get(streamOfResource(name)) ?? [];
    if (events.some((event) => event.type.endsWith('Deleted'))) continue;
    const named = events.filter((event) => typeof event.data['displayName'] === 'string');
    const final = named[named.length - 1]?.data['displayName'];
    if (typeof final !== 'string') continue;
    const allowed = new Set<unknown>([
      named[0]?.data['displayName'],
      ...sent.map((r) => r.displayName),
    ]);
    if (!allowed.has(final)) violations.push(`${name}: display name ${final} was never sent`);
    const last = sent.filter((record) => record.outcome === 'acked').at(-1);
    const alone =
      last !== undefined &&
      sent.every(
        (other) =>
          other === last || other.outcome === 'refused' || other.answeredAt < last.issuedAt,
      );
    if (alone && final !== last.displayName) {
      violations.push(
        `${name}: acknowledged update to ${String(last.displayName)} lost (${final})`,
      );
    }
  }
  return violations;
}
