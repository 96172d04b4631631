import type { AuditTrace } from '@loom/audit';

/** An audit trace as the dashboard's JSON: positions as text, resources as name and fields. */
export function toTraceView(trace: AuditTrace) {
  return {
    correlationId: trace.correlationId,
    requestId: trace.requestId ?? null,
    actor: trace.actor,
    method: trace.method,
    reason: trace.reason ?? null,
    at: trace.at.toISOString(),
    events: trace.events.map((event) => ({
      position: event.position.toString(),
      at: event.recordedAt.toISOString(),
      resource: event.resource,
      eventType: event.eventType,
      actor: event.actor,
      action: event.action,
    })),
    sagas: trace.sagas,
    endState: [...trace.endState.values()].map((view) => ({
      kind: view.kind,
      name: view.name,
      fields: view.fields,
    })),
  };
}
