import type { DomainEvent } from '../decider';

/** A client's request_id, claimed by the first attempt; retries find what it produced. */
export type RequestAccepted = DomainEvent<
  'RequestAccepted',
  { method: string; fingerprint: string; result: string; acceptedAt: string }
>;
export type RequestSucceeded = DomainEvent<'RequestSucceeded', { result: string }>;
export type RequestFailed = DomainEvent<'RequestFailed', { code: string; message: string }>;

export type RequestEvent = RequestAccepted | RequestSucceeded | RequestFailed;
