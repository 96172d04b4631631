import type { ErrorKind } from '@loom/errors';
import type { DomainEvent } from '../decider';

/** A client's request_id, claimed by the first attempt; retries find what it produced. */
export type RequestAccepted = DomainEvent<
  'RequestAccepted',
  { method: string; fingerprint: string; result: string; acceptedAt: string }
>;
export type RequestSucceeded = DomainEvent<'RequestSucceeded', { result: string }>;
/** Schema version 2: `kind` replaced version 1's free `code` string (see the event catalog). */
export type RequestFailed = DomainEvent<'RequestFailed', { kind: ErrorKind; message: string }>;

export type RequestEvent = RequestAccepted | RequestSucceeded | RequestFailed;
