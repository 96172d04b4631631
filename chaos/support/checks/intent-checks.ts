import type { IntentRecord } from '../ledger';
import { streamOfResource, type LoggedEvent } from './event-log';

const creates = new Set(['CreateTenant', 'CreateVpc', 'CreateSubnet', 'CreatePort']);
const deletes = new Set(['DeleteTenant', 'DeleteVpc', 'DeleteSubnet', 'DeletePort']);

const count = (events: readonly LoggedEvent[] | undefined, test: (type: string) => boolean) =>
  (events ?? []).filter((event) => test(event.type)).length;

/**
 * The ledger against the log: every acknowledged create or delete is in the log exactly once
 * (its request's record once, its resource's Created or Deleted once, by the operation it
 * answered with), nothing refused left a trace, and an intent of unknown outcome is all there or
 * not there at all.
 */
export function checkIntents(
  records: readonly IntentRecord[],
  streams: ReadonlyMap<string, LoggedEvent[]>,
): string[] {
  const violations: string[] = [];
  for (const record of records) {
    if (!record.requestId || !(creates.has(record.method) || deletes.has(record.method))) continue;
    const what = `${record.method} ${record.name} (request ${record.requestId}, ${record.outcome} with code ${record.code} after ${record.attempts} attempts)`;
    const request = streams.get(`request-${record.tenant}/${record.requestId}`);
    const resource = streams.get(streamOfResource(record.name));
    const isCreate = creates.has(record.method);
    const made = (resource ?? []).filter((event) =>
      isCreate ? event.type.endsWith('Created') : event.type.endsWith('Deleted'),
    );
    const happened = request !== undefined;
    if (record.outcome === 'refused' && happened) {
      // When it was decided (the deciding engine's clock) against when the client heard "no".
      const acceptedAt = request.find((event) => event.type === 'RequestAccepted')?.data[
        'acceptedAt'
      ];
      violations.push(
        `${what}: refused, yet recorded (accepted at ${String(acceptedAt)}; issued ${new Date(record.issuedAt).toISOString()}, refused ${new Date(record.answeredAt).toISOString()})`,
      );
    }
    if (record.outcome === 'refused' && isCreate && resource !== undefined) {
      violations.push(`${what}: refused, yet its resource stream has ${resource.length} events`);
    }
    if (record.outcome === 'acked' && !happened)
      violations.push(`${what}: acknowledged, not in the log`);
    if (!happened) {
      if (record.outcome === 'unknown' && isCreate && resource !== undefined) {
        violations.push(`${what}: no request record, yet its resource stream exists (half)`);
      }
      continue;
    }
    const accepted = count(request, (type) => type === 'RequestAccepted');
    const ended = count(request, (type) => type === 'RequestSucceeded' || type === 'RequestFailed');
    if (accepted !== 1 || ended !== 1) {
      violations.push(`${what}: request recorded ${accepted} times, ended ${ended} times`);
    }
    const byOperation = made.filter(
      (event) => !record.operation || event.data['createdBy'] === record.operation || !isCreate,
    );
    if (byOperation.length !== 1) {
      violations.push(
        `${what}: ${byOperation.length} ${isCreate ? 'creations' : 'deletions'} in the log`,
      );
    }
  }
  return violations;
}

/** Log-wide: no request half-recorded, no name reserved and left hanging, no operation open. */
export function checkNothingHalf(streams: ReadonlyMap<string, LoggedEvent[]>): string[] {
  const violations: string[] = [];
  for (const [stream, events] of streams) {
    if (stream.startsWith('request-')) {
      const ended = count(events, (t) => t === 'RequestSucceeded' || t === 'RequestFailed');
      if (count(events, (t) => t === 'RequestAccepted') !== 1 || ended !== 1) {
        violations.push(`${stream}: ${events.map((event) => event.type).join(', ')}`);
      }
    }
    if (stream.startsWith('operation-')) {
      if (count(events, (t) => t === 'OperationSucceeded' || t === 'OperationFailed') !== 1) {
        violations.push(`${stream}: not ended once: ${events.map((e) => e.type).join(', ')}`);
      }
    }
    const reserved = count(events, (t) => t.endsWith('NameReserved'));
    if (reserved > 0) {
      const settled =
        count(events, (t) => /^(Vpc|Subnet|Port|Tenant)Created$/.test(t)) +
        count(events, (t) => t.endsWith('NameReleased'));
      if (settled !== reserved) {
        violations.push(`${stream}: ${reserved} name reservations, ${settled} created or released`);
      }
    }
  }
  return violations;
}
