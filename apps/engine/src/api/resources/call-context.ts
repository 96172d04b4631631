import { randomUUID } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import {
  callEndedOf,
  callMethodOf,
  enforceAccess,
  principalOf,
  type AccessAction,
  type Principal,
} from '@loom/access';
import { InvalidArgumentError, type RequestContext } from '@loom/network';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CallContext {
  readonly principal: Principal;
  readonly request: RequestContext;
}

/**
 * The caller of a gRPC call, checked against the tenant it targets. The actor recorded in events
 * is `role:subject`, with the method it called; a client's `x-request-id` metadata becomes the
 * correlation id.
 */
export function authorize(
  metadata: Metadata | undefined,
  action: AccessAction,
  tenantId: string | undefined,
  resourceName: string,
): CallContext {
  const principal = principalOf(metadata);
  enforceAccess(principal, action, tenantId, resourceName);
  const given = metadata?.get('x-request-id')[0];
  const correlationId = typeof given === 'string' && given.length <= 128 ? given : randomUUID();
  const method = callMethodOf(metadata);
  const callEnded = callEndedOf(metadata);
  return {
    principal,
    request: {
      actor: `${principal.role}:${principal.subject}`,
      correlationId,
      ...(method === undefined ? {} : { method }),
      ...(callEnded === undefined ? {} : { callEnded }),
    },
  };
}

/** AIP-155: request_id is optional, and a UUID when given. */
export function readRequestId(requestId: string): string | undefined {
  if (requestId === '') return undefined;
  if (!uuid.test(requestId)) {
    throw new InvalidArgumentError([{ field: 'request_id', description: 'must be a UUID' }]);
  }
  return requestId.toLowerCase();
}
