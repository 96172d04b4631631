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
  private isClosed = false;

  constructor(
    private readonly sagas: Pick<Sagas, 'lastChange'>,
    private readonly intervalMs = 250,
  ) {}

  /** True once the engine stops: no event stream opens any more (the page would hold HTTP open). */
  get closed(): boolean {
    return this.isClosed;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    this.timer ??= setInterval(() => void this.poll(), this.intervalMs);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopPolling();
    };
  }

  /** Keeps `stream` until it closes, to end it at shutdown; returns what forgets it. */
  track(stream: OpenStream): () => void {
    this.streams.add(stream);
    return () => this.streams.delete(stream);
  }

  /**
   * At shutdown, before the HTTP server closes (it waits for every open connection): ends every
   * open stream and the polling, and refuses new streams from then on; a page reconnects one
   * second after its stream ends, and the gRPC drain before HTTP closes may take the whole grace.
   */
  close(): void {
    this.isClosed = true;
    for (const stream of this.streams) stream.end();
    this.streams.clear();
    this.stopPolling();
  }

  private stopPolling(): void {
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
