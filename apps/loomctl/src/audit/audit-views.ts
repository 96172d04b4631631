import type {
  AuditedResource,
  Change,
  FieldChange,
  Instant,
  StateDiff,
  Trace,
} from '@loom/api-contract';
import { CliError } from '../cli/cli-error';
import { formatFields, formatTable } from '../cli/table';
import { formatTime } from '../cli/time-format';

/** `--at` and friends: a log position (digits) or an RFC 3339 instant. */
export function parseInstant(value: string): Instant {
  if (/^[0-9]+$/.test(value)) return { position: value };
  const millis = Date.parse(value);
  if (Number.isNaN(millis)) {
    throw CliError.usage(`${value} is neither a log position nor an RFC 3339 time`);
  }
  return { time: { seconds: String(Math.floor(millis / 1000)), nanos: (millis % 1000) * 1e6 } };
}

const shown = (json: string): string => (json === '' ? '(none)' : json);

export function describeFieldChange(change: FieldChange): string {
  return `${change.field}: ${shown(change.beforeJson)} -> ${shown(change.afterJson)}`;
}

export function changesTable(changes: readonly Change[]): string[] {
  const lines = formatTable([
    ['TIME', 'POSITION', 'WHO', 'ACTION', 'RESOURCE', 'EVENT', 'CHANGED'],
    ...changes.map((change) => [
      formatTime(change.time),
      change.position,
      change.actor,
      change.action,
      change.resource,
      change.eventType,
      change.changes.map((field) => field.field).join(','),
    ]),
  ]);
  return changes.length === 0 ? [...lines, '(none)'] : lines;
}

/** Every change with its fields before and after, one field per line (`--details`). */
export function changeDetails(changes: readonly Change[]): string[] {
  return changes.flatMap((change) => [
    `${formatTime(change.time)} ${change.actor} ${change.action} ${change.eventType} ${change.resource}`,
    ...change.changes.map((field) => `    ${describeFieldChange(field)}`),
  ]);
}

export function stateTable(position: string, resources: readonly AuditedResource[]): string[] {
  return [
    `at position ${position}`,
    ...formatTable([
      ['KIND', 'NAME', 'FIELDS'],
      ...resources.map((resource) => [resource.kind, resource.name, resource.fieldsJson]),
    ]),
  ];
}

export function diffLines(diff: StateDiff): string[] {
  const lines = [`from position ${diff.fromPosition} to ${diff.toPosition}`];
  for (const resource of diff.added)
    lines.push(`+ ${resource.kind} ${resource.name} ${resource.fieldsJson}`);
  for (const resource of diff.removed) lines.push(`- ${resource.kind} ${resource.name}`);
  for (const changed of diff.changed) {
    lines.push(`~ ${changed.kind} ${changed.name}`);
    for (const change of changed.changes) lines.push(`    ${describeFieldChange(change)}`);
  }
  if (lines.length === 1) lines.push('(no change)');
  return lines;
}

export function traceLines(trace: Trace): string[] {
  const lines = formatFields([
    ['WHO', trace.actor],
    ['METHOD', trace.method],
    ['WHEN', formatTime(trace.time)],
    ['REQUEST', trace.requestId || '(none)'],
    ['CORRELATION', trace.correlationId],
    ...(trace.reason ? [['REASON', trace.reason] as [string, string]] : []),
  ]);
  lines.push(
    '',
    ...formatTable([
      ['POSITION', 'EVENT', 'RESOURCE', 'ACTION'],
      ...trace.events.map((event) => [
        event.position,
        event.eventType,
        event.resource,
        event.action,
      ]),
    ]),
  );
  for (const saga of trace.sagas) {
    lines.push('', `saga ${saga.sagaId} ${saga.sagaType} on ${saga.resourceKey}: ${saga.status}`);
    const rows = [['STEP', 'ATTEMPT', 'OUTCOME', 'IDEMPOTENCY KEY', 'DETAIL']];
    for (const step of saga.steps) {
      if (step.skipped) rows.push([step.step, '', 'skipped', '', '']);
      for (const attempt of step.attempts) {
        rows.push([
          step.step,
          String(attempt.attempt),
          attempt.outcome,
          attempt.idempotencyKey,
          attempt.reason || attempt.resultJson,
        ]);
      }
      for (const attempt of step.compensations) {
        rows.push([
          `${step.step} (undo)`,
          String(attempt.attempt),
          attempt.outcome,
          attempt.idempotencyKey,
          attempt.reason,
        ]);
      }
    }
    lines.push(...formatTable(rows));
    for (const action of saga.operatorActions) {
      lines.push(`  ${action.type} by ${action.actor}: ${action.reason}`);
    }
  }
  if (trace.endState.length > 0) {
    lines.push(
      '',
      ...formatTable([
        ['NOW', 'NAME', 'FIELDS'],
        ...trace.endState.map((r) => [r.kind, r.name, r.fieldsJson]),
      ]),
    );
  }
  return lines;
}
