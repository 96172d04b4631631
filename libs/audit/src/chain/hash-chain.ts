import { encodeChainedEvent, type ChainedEvent } from './chained-event';

/**
 * SHA-256 of the previous head (hex) followed by the event's encoding, as lower-case hex. Passed
 * in, so the chain stays free of Node built-ins (`sha256Link` in `tamper/` is the real one).
 */
export type ChainLinkHash = (previousHead: string, encodedEvent: string) => string;

/** The head before the first event. */
export const genesisHead = '0'.repeat(64);

/** Where a chain stands: after the event at `position`, `count` events in, with this head. */
export interface ChainHead {
  readonly position: bigint;
  readonly count: number;
  readonly head: string;
}

export const genesis: ChainHead = { position: 0n, count: 0, head: genesisHead };

/**
 * The chain extended by one event, which must come after the head in the global order: the chain
 * follows positions, never the order transactions committed in.
 */
export function extendChain(chain: ChainHead, event: ChainedEvent, hash: ChainLinkHash): ChainHead {
  if (event.position <= chain.position) {
    throw new RangeError(
      `event at ${event.position} does not follow the chain's last position ${chain.position}`,
    );
  }
  return {
    position: event.position,
    count: chain.count + 1,
    head: hash(chain.head, encodeChainedEvent(event)),
  };
}

export function foldChain(
  chain: ChainHead,
  events: Iterable<ChainedEvent>,
  hash: ChainLinkHash,
): ChainHead {
  let current = chain;
  for (const event of events) current = extendChain(current, event, hash);
  return current;
}
