import { createHash } from 'node:crypto';
import type { ChainLinkHash } from '../chain/hash-chain';

/** The chain's link: SHA-256 over the previous head's hex and the event's encoding (UTF-8). */
export const sha256Link: ChainLinkHash = (previousHead, encodedEvent) =>
  createHash('sha256').update(previousHead).update(encodedEvent).digest('hex');
