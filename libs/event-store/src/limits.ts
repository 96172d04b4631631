export interface EventStoreLimits {
  /** Largest event: its data and metadata as UTF-8 JSON, in bytes. */
  readonly maxEventBytes: number;
  /** Most events in one append (one transaction). */
  readonly maxEventsPerAppend: number;
}

export const defaultEventStoreLimits: EventStoreLimits = {
  maxEventBytes: 1024 * 1024,
  maxEventsPerAppend: 4096,
};
