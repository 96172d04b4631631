import type {
  AuditedResource,
  Change,
  FieldChange as FieldChangeMessage,
  Instant,
  SagaTrace as SagaTraceMessage,
  StateDiff,
  Trace,
} from '@loom/api-contract';
import { timestampToDate, toTimestamp } from '@loom/api-contract';
import type {
  AuditInstant,
  AuditTrace,
  ChangeEntry,
  FieldChange,
  NetworkSnapshot,
  ResourceView,
  SagaTrace,
  SnapshotDiff,
} from '@loom/audit';
import { InvalidArgumentError } from '@loom/network';

/** An instant of the request; unset means now (the head of the log). */
export function readInstant(instant: Instant | null, field: string): AuditInstant | undefined {
  if (instant === null) return undefined;
  if (instant.time !== null && instant.time !== undefined) {
    return { time: timestampToDate(instant.time, `${field}.time`) };
  }
  if (instant.position !== null && instant.position !== undefined) {
    return { position: readLogPosition(instant.position, `${field}.position`) };
  }
  return undefined;
}

/** The log's positions are PostgreSQL bigints: 0 to 2^63 - 1. */
const lastLogPosition = 2n ** 63n - 1n;

/** A log position given in a request (a uint64 on the wire), refused beyond the log's range. */
export function readLogPosition(text: string, field: string): bigint {
  const position = /^[0-9]{1,20}$/.test(text) ? BigInt(text) : undefined;
  if (position === undefined || position > lastLogPosition) {
    throw new InvalidArgumentError([
      { field, description: `must be a log position from 0 to ${lastLogPosition}` },
    ]);
  }
  return position;
}

const json = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value));

export function toFieldChange(change: FieldChange): FieldChangeMessage {
  return { field: change.field, beforeJson: json(change.before), afterJson: json(change.after) };
}

export function toChange(entry: ChangeEntry): Change {
  return {
    position: entry.position.toString(),
    time: toTimestamp(entry.recordedAt),
    actor: entry.actor,
    role: entry.role,
    subject: entry.subject,
    action: entry.action,
    kind: entry.kind,
    resource: entry.resource,
    eventType: entry.eventType,
    requestId: entry.requestId ?? '',
    correlationId: entry.correlationId ?? '',
    changes: entry.changes.map(toFieldChange),
  };
}

export function toAuditedResource(view: ResourceView): AuditedResource {
  return { kind: view.kind, name: view.name, fieldsJson: JSON.stringify(view.fields) };
}

export const toAuditedResources = (snapshot: NetworkSnapshot): AuditedResource[] =>
  [...snapshot.values()].map(toAuditedResource);

export function toStateDiff(from: bigint, to: bigint, diff: SnapshotDiff): StateDiff {
  return {
    fromPosition: from.toString(),
    toPosition: to.toString(),
    added: diff.added.map(toAuditedResource),
    removed: diff.removed.map(toAuditedResource),
    changed: diff.changed.map((changed) => ({
      kind: changed.kind,
      name: changed.name,
      changes: changed.changes.map(toFieldChange),
    })),
  };
}

function toSagaTrace(saga: SagaTrace): SagaTraceMessage {
  const attempt = (entry: SagaTrace['steps'][number]['attempts'][number]) => ({
    attempt: entry.attempt,
    idempotencyKey: entry.idempotencyKey,
    startedAt: entry.startedAt,
    outcome: entry.outcome,
    endedAt: entry.endedAt ?? '',
    resultJson: json(entry.result),
    reason: entry.reason ?? '',
    errorKind: entry.errorKind ?? '',
  });
  return {
    sagaId: saga.sagaId,
    sagaType: saga.sagaType,
    resourceKey: saga.resourceKey,
    status: saga.status,
    steps: saga.steps.map((step) => ({
      step: step.step,
      skipped: step.skipped,
      attempts: step.attempts.map(attempt),
      compensations: step.compensations.map(attempt),
    })),
    operatorActions: saga.operatorActions.map((action) => ({ ...action })),
    errorJson: json(saga.error),
  };
}

export function toTrace(trace: AuditTrace): Trace {
  return {
    correlationId: trace.correlationId,
    requestId: trace.requestId ?? '',
    actor: trace.actor,
    method: trace.method,
    time: toTimestamp(trace.at),
    events: trace.events.map((event) => ({
      position: event.position.toString(),
      time: toTimestamp(event.recordedAt),
      stream: event.stream,
      resource: event.resource,
      eventType: event.eventType,
      actor: event.actor,
      action: event.action,
    })),
    sagas: trace.sagas.map(toSagaTrace),
    endState: toAuditedResources(trace.endState),
    reason: trace.reason ?? '',
  };
}
