import { errorKindOf } from '@loom/errors';
import type { RequestCommand } from './request.decider';

/** A mutating request, at most once per request_id (AIP-155). */
export interface IntentRequest {
  readonly tenantId: string;
  /** The client's request_id (a UUID), or undefined when the client sent none. */
  readonly requestId: string | undefined;
  readonly method: string;
  /** What makes two requests "the same": a stable serialisation of the request's payload. */
  readonly fingerprint: string;
  /** The name the request produces if it is the first attempt (an operation or a resource). */
  readonly result: string;
}

/** An attempt accepted this long ago and not finished is presumed dead and may be taken over. */
const abandonAfterMs = 30_000;

export function acceptCommand(request: IntentRequest): RequestCommand {
  const now = new Date();
  return {
    type: 'AcceptRequest',
    method: request.method,
    fingerprint: request.fingerprint,
    result: request.result,
    now: now.toISOString(),
    staleBefore: new Date(now.getTime() - abandonAfterMs).toISOString(),
  };
}

export function failCommand(error: unknown): RequestCommand {
  const message = error instanceof Error ? error.message : String(error);
  return { type: 'FailRequest', kind: errorKindOf(error), message };
}
