import type { EventMetadataInput } from '@loom/event-store';

/** Who is asking, recorded as the actor of every event the request causes. */
export interface RequestContext {
  readonly actor: string;
  readonly correlationId: string;
}

export function eventMetadata(
  context: RequestContext,
  tenantId: string,
  requestId?: string,
): EventMetadataInput {
  return {
    tenant: tenantId,
    actor: context.actor,
    correlationId: context.correlationId,
    ...(requestId ? { requestId } : {}),
  };
}
