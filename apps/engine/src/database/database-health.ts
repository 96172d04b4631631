import { Client } from 'pg';
import type { Logger } from '@loom/logging';

export interface DatabaseHealthOptions {
  /** How often the database is asked while nothing happens (a lost connection is seen at once). */
  readonly intervalMs?: number;
  /** How long a connection or a `SELECT 1` may take before the database counts as unavailable. */
  readonly timeoutMs?: number;
}

type Listener = (available: boolean) => void;

/**
 * Whether the engine's database answers, watched through a connection of its own (not the pool,
 * which busy calls may fill): a `SELECT 1` every second, and at once when that connection is cut
 * (a server shutting down ends it with 57P01). gRPC health and GET /healthz follow it
 * (GrpcServerLifecycle); calls meanwhile fail as UNAVAILABLE (errorKindOf of @loom/errors). One
 * log line when the database goes, one when it is back; nothing is restarted here: the pools
 * reconnect on their own and the background work retries.
 */
export class DatabaseHealth {
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly listeners = new Set<Listener>();
  private client: Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;
  private stopped = true;
  private isAvailable = true;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    options: DatabaseHealthOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1_000;
    this.timeoutMs = options.timeoutMs ?? 2_000;
  }

  /** True until a probe fails; the engine starts only once its database answered. */
  get available(): boolean {
    return this.isAvailable;
  }

  /** Called on every change; returns the way to stop listening. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.probing;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.probe(), delayMs);
    this.timer.unref();
  }

  private probe(): Promise<void> {
    this.probing ??= this.check().finally(() => {
      this.probing = undefined;
      this.schedule(this.intervalMs);
    });
    return this.probing;
  }

  private async check(): Promise<void> {
    try {
      const client = this.client ?? (await this.connect());
      await client.query('SELECT 1');
      this.set(true, undefined);
    } catch (error) {
      this.drop();
      this.set(false, error);
    }
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.url,
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
      application_name: 'loom-health',
    });
    const lost = (): void => {
      if (this.client !== client) return;
      this.drop();
      this.schedule(0);
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      throw new Error('the database health check has stopped');
    }
    this.client = client;
    return client;
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => undefined);
  }

  private set(available: boolean, error: unknown): void {
    if (available === this.isAvailable || this.stopped) return;
    this.isAvailable = available;
    if (available) {
      this.logger.info('database available again');
    } else {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(
        { reason },
        'database unavailable; calls answer UNAVAILABLE until it is back',
      );
    }
    for (const listener of this.listeners) listener(available);
  }
}
