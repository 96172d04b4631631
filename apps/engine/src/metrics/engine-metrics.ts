import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolConnectionCounts } from '@loom/postgres';

/** What the saga and projection gauges read when Prometheus (or the dashboard) scrapes. */
export interface MetricsSources {
  sagaCounts(): Promise<readonly { type: string; status: string; count: number }[]>;
  projectionLag(): Promise<readonly { projection: string; lagEvents: number }[]>;
  databaseConnections(): PoolConnectionCounts;
}

const fastBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const deviceBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Every metric the engine exports on `GET /metrics` (docs/metrics.md), in one registry of its
 * own: the dashboard's overview reads the same numbers. Counters and histograms are updated where
 * the work happens (the gRPC interceptor, the instrumented store, driver and saga steps); the saga
 * and projection gauges are read from their sources at scrape time.
 */
export class EngineMetrics {
  readonly registry = new Registry();
  private sources: MetricsSources | undefined;

  readonly apiRequests = new Counter({
    name: 'loom_api_requests_total',
    help: 'gRPC calls answered, by method and status code',
    labelNames: ['method', 'code'] as const,
    registers: [this.registry],
  });

  readonly apiDuration = new Histogram({
    name: 'loom_api_request_duration_seconds',
    help: 'gRPC call latency, from its metadata to its status, by method and status code',
    labelNames: ['method', 'code'] as const,
    buckets: fastBuckets,
    registers: [this.registry],
  });

  readonly stepDuration = new Histogram({
    name: 'loom_saga_step_duration_seconds',
    help: 'Saga step attempts (action or compensation) by saga kind, step and outcome',
    labelNames: ['kind', 'step', 'phase', 'outcome'] as const,
    buckets: deviceBuckets,
    registers: [this.registry],
  });

  readonly deviceOperationDuration = new Histogram({
    name: 'loom_device_operation_duration_seconds',
    help: 'Device operations, from submit to outcome, by device, operation and outcome',
    labelNames: ['device', 'operation', 'outcome'] as const,
    buckets: deviceBuckets,
    registers: [this.registry],
  });

  readonly appendDuration = new Histogram({
    name: 'loom_event_store_append_duration_seconds',
    help: 'Event store appends, by kind (single stream or multi-stream) and outcome',
    labelNames: ['kind', 'outcome'] as const,
    buckets: fastBuckets,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const sources = (): MetricsSources | undefined => this.sources;
    new Gauge({
      name: 'loom_sagas',
      help: 'Sagas by kind (saga type) and state, from the saga index',
      labelNames: ['kind', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of (await sources()?.sagaCounts()) ?? []) {
          this.set({ kind: row.type, state: row.status }, row.count);
        }
      },
    });
    new Gauge({
      name: 'loom_projection_lag_events',
      help: 'Committed events a projection has not applied yet (counted up to 100,000)',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of (await sources()?.projectionLag()) ?? []) {
          this.set({ projection: row.projection }, row.lagEvents);
        }
      },
    });
    new Counter({
      name: 'loom_db_connections_opened_total',
      help: 'PostgreSQL connections the engine opened (its pool opens them all at start and keeps them)',
      registers: [this.registry],
      collect() {
        const counts = sources()?.databaseConnections();
        if (counts === undefined) return;
        this.reset();
        this.inc(counts.opened);
      },
    });
    new Gauge({
      name: 'loom_db_connections',
      help: "The engine pool's PostgreSQL connections by state (open, idle), and checkouts waiting",
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const counts = sources()?.databaseConnections();
        if (counts === undefined) return;
        this.set({ state: 'open' }, counts.open);
        this.set({ state: 'idle' }, counts.idle);
        this.set({ state: 'waiting' }, counts.waiting);
      },
    });
  }

  /** Set once the database and the projection runner are up. */
  useSources(sources: MetricsSources): void {
    this.sources = sources;
  }

  /** Seconds since `startedAt` (a `performance.now()` reading). */
  static since(startedAt: number): number {
    return (performance.now() - startedAt) / 1000;
  }
}
