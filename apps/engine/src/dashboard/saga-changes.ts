import type { Sagas } from '@loom/sagas';

type Listener = (change: string) => void;

/** An open event stream: ended when the engine shuts down, so that the HTTP server can close. */
export interface OpenStream {
  end(): void;
}

/**
 * Tells live views when the saga index changed: one poll of its newest `updated_at` every
 * `intervalMs` while anyone listens (an indexed max, a fraction of a millisecond), shared by every
 * open event stream of this process, whichever process's worker made the change.
 */
export class SagaChanges {
  private readonly listeners = new Set<Listener>();
  private readonly streams = new Set<OpenStream>();
  private timer: NodeJS.Timeout | undefined;
  private last: string | null | undefined;

  constructor(
    private readonly sagas: Pick<Sagas, 'lastChange'>,
    private readonly intervalMs = 250,
  ) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    this.timer ??= setInterval(() => void this.poll(), this.intervalMs);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Keeps `stream` until it closes, to end it at shutdown; returns what forgets it. */
  track(stream: OpenStream): () => void {
    this.streams.add(stream);
    return () => this.streams.delete(stream);
  }

  /** Ends every open stream (before the HTTP server closes, which waits for them) and the polling. */
  stop(): void {
    for (const stream of this.streams) stream.end();
    this.streams.clear();
    clearInterval(this.timer);
    this.timer = undefined;
    this.last = undefined;
  }

  private async poll(): Promise<void> {
    let change: string | null;
    try {
      change = await this.sagas.lastChange();
    } catch {
      return; // The database is away: the next poll tries again.
    }
    if (this.last !== undefined && change !== this.last) {
      for (const listener of this.listeners) listener(change ?? '');
    }
    this.last = change;
  }
}
