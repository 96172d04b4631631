import type { EventMetadataInput } from '@loom/event-store';

/** Who is asking, recorded as the actor of every event the request causes. */
export interface RequestContext {
  readonly actor: string;
  readonly correlationId: string;
  /** The API method asked (`/loom.v1.VpcService/CreateVpc`), recorded for the audit trail. */
  readonly method?: string;
  /**
   * Whether the caller has stopped waiting (cancelled, gone, past its deadline). An intent whose
   * caller is gone by the time it is decided is not committed: its retry, which may already be
   * under way elsewhere, decides alone.
   */
  readonly callEnded?: () => boolean;
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
    ...(context.method ? { method: context.method } : {}),
    ...(requestId ? { requestId } : {}),
  };
}
