import '../support/loom-aliases';
import { performance } from 'node:perf_hooks';
import type { CryptoKey } from 'jose';
import type { Pool } from 'pg';
import {
  AuditIndex,
  AuditQueries,
  auditedStream,
  auditMigrations,
  ChainSealer,
  generateAuditPrivateJwk,
  importAuditSigningKey,
  isUnder,
  NetworkReplay,
  networkResourceModels,
  readChainEvents,
  verifyEventLog,
} from '../../libs/audit/src';
import type { NewEvent } from '../../libs/event-store/src/envelope';
import type { StreamAppend } from '../../libs/event-store/src/event-store.port';
import { eventStoreMigrations } from '../../libs/event-store/src/postgres/migrations';
import { PostgresEventStore } from '../../libs/event-store/src/postgres/postgres-event-store';
import { createPool, runMigrations } from '../../libs/postgres/src';
import { compareRates } from '../support/compare';
import { againstMeasured, underLimit, type Metric } from '../support/metric';
import { createReferenceTable, ReferenceWriter, StreamWriter } from '../support/writers';
import { createNetworkTemplate, tenantEvents } from '../support/network-template';
import type { Benchmark, BenchContext } from './benchmark';

const loadWriters = 4;
const sharedBatch = 1_000;
/** Actors the log's changes are spread over (`tenant:admin-N`), as many callers would be. */
const actors = 40;
const queriesPerKind = 200;
const stateQueries = 20;

/**
 * The audit trail on a log of `settings.readEvents` events (1,000,000 by default): the network
 * template cloned per tenant, every tenant's streams in one atomic multi-stream append. Then, as
 * the engine does behind the appends, the index and the hash chain are built; measured: a tenant's
 * whole network at random instants (rebuilt from its events, checked against a fold of the whole
 * log for one of them), the first page of Changes by actor and by resource, and verification
 * beside a plain read of the same rows.
 */
export const audit: Benchmark = {
  name: 'audit',
  async run(context) {
    const appends = await measureAppendsWhileSealing(context);
    const log = await loadAuditLog(context);
    const pool = createPool(log.url, 4);
    const store = new PostgresEventStore({ pool });
    const metrics: Metric[] = [appends];
    try {
      const index = new AuditIndex(pool, { batchSize: 10_000 });
      let start = performance.now();
      await index.catchUp();
      const indexSeconds = (performance.now() - start) / 1_000;
      context.log(`audit: indexed ${log.events} events in ${indexSeconds.toFixed(1)} s`);
      await pool.query('VACUUM (ANALYZE) audit.entries');

      const key = await importAuditSigningKey(await generateAuditPrivateJwk(), 'bench');
      start = performance.now();
      const sealed = await new ChainSealer({ pool, key, eventsPerCheckpoint: 100_000 }).sealOnce();
      const sealSeconds = (performance.now() - start) / 1_000;
      context.log(`audit: sealed ${sealed.events} events in ${sealSeconds.toFixed(1)} s`);

      const queries = new AuditQueries(pool, store, index, networkResourceModels);
      metrics.push(...(await measureStateAt(context, pool, store, queries, log)));
      metrics.push(...(await measureChanges(context, queries, log)));
      metrics.push(
        ...(await measureVerify(context, pool, key.publicKey, log, {
          indexSeconds,
          sealSeconds,
        })),
      );
      return metrics;
    } finally {
      await store.close();
      await pool.end();
    }
  },
};

interface AuditLog {
  readonly url: string;
  readonly events: number;
  readonly tenants: number;
  readonly perTenant: number;
}

async function loadAuditLog(context: BenchContext): Promise<AuditLog> {
  const templateUrl = await context.server.createDatabase('bench_audit_template');
  const template = await createNetworkTemplate(templateUrl);
  const perTenant = template.events.length;
  const tenants = Math.ceil(context.settings.readEvents / perTenant);
  const url = await context.server.createDatabase('bench_audit');
  await runMigrations(url, [...eventStoreMigrations, ...auditMigrations]);
  const pool = createPool(withoutSynchronousCommit(url), loadWriters);
  const store = new PostgresEventStore({ pool });
  const start = performance.now();
  try {
    const shared = new Map<string, NewEvent[]>();
    const flush = async (all: boolean): Promise<void> => {
      for (const [stream, events] of shared) {
        while (events.length >= sharedBatch || (all && events.length > 0)) {
          await store.append(stream, events.splice(0, sharedBatch), 'any');
        }
      }
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: loadWriters }, async () => {
        for (let tenant = next++; tenant < tenants; tenant = next++) {
          const events = tenantEvents(template, tenantIdOf(tenant));
          const actor = `tenant:admin-${tenant % actors}`;
          const appends: StreamAppend[] = events.own.map(({ stream, events: streamEvents }) => ({
            stream,
            expected: 'no-stream',
            events: streamEvents.map((event) => ({
              ...event,
              metadata: { ...event.metadata, actor },
            })),
          }));
          await store.appendToStreams(appends);
          for (const { stream, events: streamEvents } of events.shared) {
            const buffer = shared.get(stream) ?? [];
            buffer.push(...streamEvents);
            shared.set(stream, buffer);
          }
          await flush(false);
        }
      }),
    );
    await flush(true);
    const loadSeconds = (performance.now() - start) / 1_000;
    const events = tenants * perTenant;
    context.log(
      `audit: loaded ${events} events (${tenants} tenants of ${perTenant}) in ` +
        `${loadSeconds.toFixed(1)} s (${Math.round(events / loadSeconds)} events/s)`,
    );
    await pool.query('VACUUM (ANALYZE) event_store.events');
    return { url, events, tenants, perTenant };
  } finally {
    await store.close();
    await pool.end();
  }
}

async function measureStateAt(
  context: BenchContext,
  pool: Pool,
  store: PostgresEventStore,
  queries: AuditQueries,
  log: AuditLog,
): Promise<Metric[]> {
  const { rows } = await pool.query<{ first: string; last: string }>(
    `SELECT min(global_position)::text AS first, max(global_position)::text AS last FROM event_store.events`,
  );
  const first = BigInt(rows[0]?.first ?? '0');
  const last = BigInt(rows[0]?.last ?? '0');
  const latencies: number[] = [];
  let resources = 0;
  for (let query = 0; query < stateQueries; query += 1) {
    const tenant = tenantIdOf(Math.floor(Math.random() * log.tenants));
    const position = first + BigInt(Math.floor(Math.random() * Number(last - first + 1n)));
    const start = performance.now();
    const state = await queries.stateAt(`tenants/${tenant}`, { position });
    latencies.push(performance.now() - start);
    resources += state.resources.size;
  }
  // One answer held against a fold of the tenant's streams read from the log itself, not found
  // through the audit index.
  const tenant = tenantIdOf(log.tenants - 1);
  const answer = await queries.stateAt(`tenants/${tenant}`, { position: last });
  const replay = new NetworkReplay(networkResourceModels);
  const prefixes = ['tenant-', 'vpc-', 'subnet-', 'port-'].map(
    (prefix) => `${prefix}${tenant}${prefix === 'tenant-' ? '' : '/'}`,
  );
  for await (const event of store.readAll({
    batchSize: 5_000,
    filter: { streamPrefixes: prefixes },
  })) {
    if (auditedStream(event.stream).tenant === tenant) replay.apply(event);
  }
  const full = replay.snapshot(
    (view) => isUnder(view.name, `tenants/${tenant}`) && view.kind !== 'operation',
  );
  const same = JSON.stringify([...answer.resources]) === JSON.stringify([...full]);
  const p99 = percentile(latencies, 0.99);
  context.log(
    `audit: state at an instant p50 ${percentile(latencies, 0.5).toFixed(0)} ms, ` +
      `max ${Math.max(...latencies).toFixed(0)} ms (${answer.resources.size} resources at the head)`,
  );
  return [
    underLimit(
      {
        key: 'audit.state-at.tenant',
        label: "audit: a tenant's network at an instant, p99",
        value: p99,
        unit: 'ms',
        problem: same ? undefined : 'the answer differs from a fold of the whole log',
        details: {
          queries: stateQueries,
          p50Ms: percentile(latencies, 0.5),
          maxMs: Math.max(...latencies),
          averageResources: resources / stateQueries,
          eventsPerTenant: log.perTenant,
          logEvents: log.events,
        },
      },
      1_000,
    ),
  ];
}

async function measureChanges(
  context: BenchContext,
  queries: AuditQueries,
  log: AuditLog,
): Promise<Metric[]> {
  const measure = async (filterOf: (query: number) => object): Promise<number[]> => {
    const latencies: number[] = [];
    for (let query = 0; query < queriesPerKind; query += 1) {
      const start = performance.now();
      const page = await queries.changes(filterOf(query), { size: 50, order: 'newest' });
      latencies.push(performance.now() - start);
      if (page.entries.length === 0) throw new Error('a Changes query found nothing');
    }
    return latencies;
  };
  const random = (n: number) => Math.floor(Math.random() * n);
  const byActor = await measure(() => ({
    actor: `tenant:admin-${random(Math.min(actors, log.tenants))}`,
  }));
  const byResource = await measure(() => ({
    resource: `tenants/${tenantIdOf(random(log.tenants))}/vpcs/vpc-${random(4)}`,
  }));
  const metric = (key: string, label: string, latencies: number[]) =>
    underLimit(
      {
        key,
        label,
        value: percentile(latencies, 0.99),
        unit: 'ms',
        details: {
          queries: latencies.length,
          p50Ms: percentile(latencies, 0.5),
          maxMs: Math.max(...latencies),
          pageSize: 50,
          logEvents: log.events,
        },
      },
      100,
    );
  context.log(
    `audit: changes first page p99 by actor ${percentile(byActor, 0.99).toFixed(1)} ms, ` +
      `by resource ${percentile(byResource, 0.99).toFixed(1)} ms`,
  );
  return [
    metric('audit.changes.by-actor', 'audit: Changes by actor, first page p99', byActor),
    metric('audit.changes.by-resource', 'audit: Changes by resource, first page p99', byResource),
  ];
}

async function measureVerify(
  context: BenchContext,
  pool: Pool,
  publicKey: CryptoKey,
  log: AuditLog,
  building: { indexSeconds: number; sealSeconds: number },
): Promise<Metric[]> {
  let start = performance.now();
  let read = 0;
  for await (const batch of readChainEvents(pool, { after: 0n, belowHorizon: false })) {
    read += batch.length;
  }
  const readRate = read / ((performance.now() - start) / 1_000);
  start = performance.now();
  const report = await verifyEventLog({ pool, publicKey });
  const verifyRate = report.events / ((performance.now() - start) / 1_000);
  context.log(
    `audit: verify ${Math.round(verifyRate)} events/s beside a read of the same rows at ` +
      `${Math.round(readRate)} events/s (${report.intact ? 'intact' : 'NOT intact'})`,
  );
  return [
    againstMeasured(
      {
        key: 'audit.verify',
        label: 'audit: verify the whole log',
        value: verifyRate,
        unit: 'events/s',
        problem: report.intact && report.events === log.events ? undefined : 'not intact',
        details: {
          events: report.events,
          checkpoints: report.checkpointsMatched,
          rawReadEventsPerSecond: readRate,
          indexEventsPerSecond: log.events / building.indexSeconds,
          sealEventsPerSecond: log.events / building.sealSeconds,
        },
      },
      { label: 'the same rows read without hashing', value: readRate },
      // Reported beside the read rate; hashing may cost at most half of it.
      { comparison: '>=', ratio: 0.5 },
    ),
  ];
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

function tenantIdOf(index: number): string {
  return `audit-${index}`;
}

function withoutSynchronousCommit(url: string): string {
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}options=${encodeURIComponent('-c synchronous_commit=off')}`;
}

/**
 * The append benchmark's 8-writer point twice in one run, on one database: plain, then with the
 * engine's sealer and audit index following the log (their default intervals) on the same
 * server. Each is a ratio to plain INSERTs measured beside it; the issue allows the ratio to fall
 * by at most 0.05.
 */
async function measureAppendsWhileSealing(context: BenchContext): Promise<Metric> {
  const url = await context.server.createDatabase('bench_audit_appends');
  await runMigrations(url, [...eventStoreMigrations, ...auditMigrations]);
  const writers = 8;
  const setup = createPool(url, 2);
  await createReferenceTable(setup);
  const key = await importAuditSigningKey(await generateAuditPrivateJwk(), 'bench');
  const ratio = async (label: string, following: boolean): Promise<number> => {
    const loomPool = createPool(url, writers);
    const referencePool = createPool(url, writers);
    const store = new PostgresEventStore({ pool: loomPool });
    const sealer = new ChainSealer({ pool: setup, key });
    const index = new AuditIndex(setup);
    if (following) {
      sealer.start();
      index.start();
    }
    try {
      const { a: loom, b: reference } = await compareRates(
        Array.from({ length: writers }, (_, w) => {
          const writer = new StreamWriter(store, `${label}-w${w}`, 10);
          return () => writer.append(1);
        }),
        Array.from({ length: writers }, (_, w) => {
          const writer = new ReferenceWriter(referencePool, `${label}-w${w}`);
          return () => writer.insert(1);
        }),
        {
          warmupMs: context.settings.warmupMs,
          durationMs: context.settings.durationMs,
          rounds: 10,
          rampMs: 100,
        },
      );
      context.log(
        `audit: appends ${label}: loom ${Math.round(loom.perSecond)} events/s, ` +
          `plain INSERT ${Math.round(reference.perSecond)} rows/s`,
      );
      return loom.perSecond / reference.perSecond;
    } finally {
      await sealer.stop();
      await index.stop();
      await store.close();
      await Promise.all([loomPool.end(), referencePool.end()]);
    }
  };
  try {
    const plain = await ratio('plain', false);
    const sealing = await ratio('sealing', true);
    const { rows } = await setup.query<{ sealed: string }>(
      `SELECT coalesce(max(event_count), 0)::text AS sealed FROM audit.checkpoints`,
    );
    return underLimit(
      {
        key: 'audit.append-ratio-drop',
        label: 'audit: append ratio lost to sealing and indexing',
        value: Math.max(0, plain - sealing),
        unit: 'ratio',
        details: {
          writers,
          ratioPlain: plain,
          ratioWhileSealing: sealing,
          eventsSealedMeanwhile: Number(rows[0]?.sealed ?? '0'),
        },
      },
      0.05,
    );
  } finally {
    await setup.end();
  }
}
