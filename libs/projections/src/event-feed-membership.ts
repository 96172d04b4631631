import type { EventFilter, EventStore, RecordedEvent } from '@loom/event-store';
import type { LogPosition } from './log-position';

/**
 * The two sides of the shared feed as each sees the other, so that neither file imports the
 * other's class: EventFeed hands events to its members, a FeedSubscription joins and leaves it.
 */

/** What the feed and its subscribers read the log with. */
export type EventLogReader = Pick<EventStore, 'readAll' | 'subscribeToAll'>;

/** Where a subscriber joined: `catchUpTo` set, it reads the events up to it on its own first. */
export interface Joined {
  readonly catchUpTo: LogPosition | undefined;
}

/** A subscription as the feed sees it: it takes queued events and learns when it is dropped. */
export interface FeedMember {
  readonly filter: EventFilter | undefined;
  /** Reading on its own up to the feed's position: the feed does not wait for it. */
  readonly catchingUp: boolean;
  /** The feed hands out an event of the member's filter. */
  push(event: RecordedEvent): void;
  full(): boolean;
  /** Resolves true once the queue has room again, false after `timeoutMs` or when dropped. */
  room(timeoutMs: number): Promise<boolean>;
  /** The feed left the member behind: it takes what is queued, then joins again. */
  dropped(): void;
  /** The feed's own reading failed. */
  failed(error: unknown): void;
}

/** The feed as a subscription sees it. */
export interface FeedMembership {
  /**
   * Called by a member that has handed out every event of its filter up to `position` and read
   * up to the head of the log: from now on the feed queues it the events it reads.
   */
  join(member: FeedMember, position: LogPosition): Joined;
  /** Called by a member that is closed: the feed stops reading once it has none. */
  leave(member: FeedMember): void;
}
