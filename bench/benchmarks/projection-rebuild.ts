import '../support/loom-aliases';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import pino from 'pino';
import type { NewEvent } from '../../libs/event-store/src/envelope';
import { eventStoreMigrations } from '../../libs/event-store/src/postgres/migrations';
import { PostgresEventStore } from '../../libs/event-store/src/postgres/postgres-event-store';
import { networkProjections } from '../../libs/network/src/read-models/network-projections';
import { networkReadModelMigrations } from '../../libs/network/src/read-models/migrations';
import { createPool, runMigrations } from '../../libs/postgres/src';
import {
  createReadModelDataSource,
  PostgresEventLogProbe,
  ProjectionRunner,
  projectionEntities,
  projectionMigrations,
  readEventLogHead,
  type Projection,
  type ProjectionRunnerOptions,
} from '../../libs/projections/src';
import { cpuBetween, sampleCpu } from '../support/cpu-split';
import { againstMeasured, againstTarget, type Metric } from '../support/metric';
import { createNetworkTemplate, templateCounts, tenantEvents } from '../support/network-template';
import { countQueries } from '../support/query-counter';
import { withRssSampling } from '../support/rss';
import { rssGrowthLimit } from '../support/read-metrics';
import type { Benchmark, BenchContext } from './benchmark';

/** Events per second the rebuild of the network read models should reach. */
export const rebuildTargetPerSecond = 20_000;
/** The read-model data source's pool, as the engine sizes it. */
const readModelPoolSize = 10;
const loadWriters = 8;
const sharedBatch = 1_000;
const rebuildDeadlineMs = 100_000;

/**
 * Rebuilds the network read models from scratch: the real projections (networkProjections) run by
 * a ProjectionRunner, with the engine's batch size and pool sizes, over a log of network events
 * (one fifth of LOOM_BENCH_EVENTS: 200,000 by default), timed until every projection's checkpoint
 * has reached the last event of its filter.
 */
export const projectionRebuild: Benchmark = {
  name: 'network-projection-rebuild',
  async run(context) {
    const log = await loadNetworkLog(context);
    const logger = pino(
      { level: 'warn', base: { component: 'bench-projections' } },
      pino.destination(2),
    );
    const pool = createPool(log.url, readModelPoolSize);
    const monitor = createPool(log.url, 1);
    const store = new PostgresEventStore({ pool });
    const probe = new PostgresEventLogProbe(pool);
    const dataSource = createReadModelDataSource(
      log.url,
      projectionEntities(networkProjections),
      [],
      { poolSize: readModelPoolSize },
    );
    await dataSource.initialize();
    const counter = countQueries('loom-read-model');
    try {
      const targets = await Promise.all(
        networkProjections.map(async (projection) => ({
          name: projection.name,
          head: (await readEventLogHead(pool, projection.filter)) ?? -1n,
          events: await probe.countAfter(undefined, projection.filter, Number.MAX_SAFE_INTEGER),
        })),
      );
      const runner = new ProjectionRunner({
        dataSource,
        store,
        eventLog: probe,
        projections: networkProjections,
        logger,
      });
      // The load's garbage goes first, so that "before" is the floor the rebuild starts from.
      (globalThis as { gc?: () => void }).gc?.();
      await sleep(1_000);
      const cpuBefore = sampleCpu();
      const { result: rebuild, rss } = await withRssSampling(() =>
        runUntilCaughtUp(runner, monitor, targets),
      );
      const cpu = cpuBetween(cpuBefore, sampleCpu());
      const queries = counter.counts();
      counter.stop();
      const floor = await measureRunnerFloor({
        dataSource,
        store,
        probe,
        logger,
        monitor,
        targets,
      });
      const complete = rebuild.caughtUp.size === targets.length;
      const seconds = complete ? Math.max(...rebuild.caughtUp.values()) : rebuild.seconds;
      // Incomplete: only the prefix of the log every projection has passed counts.
      const passed = complete
        ? log.events
        : await eventsUpTo(monitor, minimum([...rebuild.checkpoints.values()]));
      const applied = targets.reduce((sum, target) => sum + target.events, 0);
      const rows = await readModelCounts(monitor);
      const problems = [
        ...(complete
          ? []
          : [
              `stopped after ${(rebuildDeadlineMs / 1_000).toFixed(0)} s: ` +
                targets
                  .filter((target) => !rebuild.caughtUp.has(target.name))
                  .map((target) => target.name)
                  .join(', ') +
                ' not caught up',
            ]),
        ...(complete ? readModelProblems(rows, log.tenants) : []),
      ];
      const perProjection = Object.fromEntries(
        targets.flatMap((target) => {
          const done = rebuild.caughtUp.get(target.name);
          return [
            [`${target.name}Events`, target.events],
            [`${target.name}Seconds`, done ?? 'not caught up'],
            [`${target.name}EventsPerSecond`, done === undefined ? 0 : target.events / done],
          ];
        }),
      );
      context.log(
        `projection rebuild, the same runner with no-op projections (reading, batching and ` +
          `checkpoints only): ${floor === undefined ? 'not caught up' : `${floor.toFixed(1)} s, ${Math.round(log.events / floor)} events/s`}`,
      );
      context.log(
        `projection rebuild: ${passed} of ${log.events} events in ${seconds.toFixed(1)} s ` +
          `(${Math.round(passed / seconds)} events/s; ${applied} applied, ` +
          `${queries.queries} read-model statements, ${(queries.queries / applied).toFixed(2)} per applied event, ` +
          `${((queries.seconds / queries.queries) * 1_000).toFixed(2)} ms each on average); ` +
          `cores: node ${cpu.nodeCores.toFixed(2)}, postgres ${cpu.postgresCores?.toFixed(2) ?? 'n/a'}; ` +
          targets
            .map(
              (target) =>
                `${target.name} ${target.events} in ${rebuild.caughtUp.get(target.name)?.toFixed(1) ?? '-'} s`,
            )
            .join(', '),
      );
      const label = `projection rebuild, ${log.events.toLocaleString('en-US')} network events`;
      return [
        againstTarget(
          {
            key: 'projections.rebuild.rate',
            label,
            value: passed / seconds,
            unit: 'events/s',
            problem: problems.length > 0 ? problems.join('; ') : undefined,
            details: {
              events: log.events,
              tenants: log.tenants,
              appliedEvents: applied,
              seconds,
              batchSize: 500,
              readModelPoolSize,
              readModelStatements: queries.queries,
              statementsPerAppliedEvent: queries.queries / applied,
              averageStatementMs: (queries.seconds / queries.queries) * 1_000,
              nodeCores: cpu.nodeCores,
              postgresCores: cpu.postgresCores ?? 'n/a',
              noOpRunnerEventsPerSecond: floor === undefined ? 'not caught up' : log.events / floor,
              loadSeconds: log.loadSeconds,
              loadEventsPerSecond: log.events / log.loadSeconds,
              ...perProjection,
              ...Object.fromEntries(
                Object.entries(rows).map(([key, value]) => [`rows.${key}`, value]),
              ),
            },
          },
          rebuildTargetPerSecond,
        ),
        againstMeasured(
          {
            key: 'projections.rebuild.peak-rss',
            label: 'projection rebuild, peak RSS',
            value: rss.peakMiB,
            unit: 'MiB',
            details: { growthMiB: rss.peakMiB - rss.beforeMiB, samples: rss.samples },
          },
          { label: 'MiB RSS before', value: rss.beforeMiB },
          { comparison: '<=', ratio: rssGrowthLimit },
        ),
      ] satisfies Metric[];
    } finally {
      counter.stop();
      await dataSource.destroy();
      await store.close();
      await pool.end();
      await monitor.end();
    }
  },
};

interface Target {
  readonly name: string;
  /** Position of the last event of the projection's filter. */
  readonly head: bigint;
}

/** Starts the runner, waits (at most rebuildDeadlineMs) for every target, stops it. */
async function runUntilCaughtUp(
  runner: ProjectionRunner,
  monitor: Pool,
  targets: readonly Target[],
): Promise<{ seconds: number; caughtUp: Map<string, number>; checkpoints: Map<string, bigint> }> {
  const started = performance.now();
  const caughtUp = new Map<string, number>();
  runner.start();
  let checkpoints = new Map<string, bigint>();
  while (caughtUp.size < targets.length && performance.now() - started <= rebuildDeadlineMs) {
    await sleep(50);
    checkpoints = await readCheckpoints(monitor);
    const seconds = (performance.now() - started) / 1_000;
    for (const target of targets) {
      const position = checkpoints.get(target.name) ?? -1n;
      if (!caughtUp.has(target.name) && position >= target.head) {
        caughtUp.set(target.name, seconds);
      }
    }
  }
  const seconds = (performance.now() - started) / 1_000;
  await runner.stop();
  return { seconds, caughtUp, checkpoints };
}

/**
 * The same rebuild with projections whose apply does nothing (same filters, new names): what the
 * runner costs without the read-model writes (filtered subscriptions, one transaction and
 * checkpoint per batch). A bound for any change to the projections' apply. Seconds, or undefined.
 */
async function measureRunnerFloor(options: {
  readonly dataSource: ProjectionRunnerOptions['dataSource'];
  readonly store: PostgresEventStore;
  readonly probe: PostgresEventLogProbe;
  readonly logger: ProjectionRunnerOptions['logger'];
  readonly monitor: Pool;
  readonly targets: readonly Target[];
}): Promise<number | undefined> {
  const projections: Projection[] = networkProjections.map((projection) => ({
    name: `noop-${projection.name}`,
    ...(projection.filter ? { filter: projection.filter } : {}),
    entities: [],
    apply: () => Promise.resolve(),
  }));
  const runner = new ProjectionRunner({
    dataSource: options.dataSource,
    store: options.store,
    eventLog: options.probe,
    projections,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const targets = options.targets.map((target) => ({ ...target, name: `noop-${target.name}` }));
  const result = await runUntilCaughtUp(runner, options.monitor, targets);
  return result.caughtUp.size === targets.length
    ? Math.max(...result.caughtUp.values())
    : undefined;
}

interface NetworkLog {
  readonly url: string;
  readonly events: number;
  readonly tenants: number;
  readonly loadSeconds: number;
}

/**
 * A database holding tenants cloned from the template (created through the real services on a
 * database of its own), appended through PostgresEventStore: each tenant's streams by one of 8
 * writers, one append per stream; the streams all tenants share (VNI pools, leaf VLANs) in
 * 1,000-event appends. Then vacuumed, as autovacuum would, and migrated for the read models.
 */
async function loadNetworkLog(context: BenchContext): Promise<NetworkLog> {
  const templateUrl = await context.server.createDatabase('bench_network_template');
  const template = await createNetworkTemplate(templateUrl);
  const tenants = Math.max(1, Math.round(context.settings.readEvents / 5 / template.events.length));
  const url = await context.server.createDatabase('bench_projections');
  await runMigrations(url, [
    ...eventStoreMigrations,
    ...projectionMigrations,
    ...networkReadModelMigrations,
  ]);
  // Loading is set-up, not measured: its commits need not wait for the WAL to reach the disk.
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
          const events = tenantEvents(template, tenantId(tenant));
          for (const { stream, events: streamEvents } of events.own) {
            await store.append(stream, streamEvents, 'no-stream');
          }
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
    const events = tenants * template.events.length;
    context.log(
      `projection rebuild: loaded ${events} events (${tenants} tenants of ${template.events.length}) ` +
        `in ${loadSeconds.toFixed(1)} s (${Math.round(events / loadSeconds)} events/s)`,
    );
    await pool.query('VACUUM (ANALYZE) event_store.events');
    return { url, events, tenants, loadSeconds };
  } finally {
    await store.close();
    await pool.end();
  }
}

function withoutSynchronousCommit(url: string): string {
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}options=${encodeURIComponent('-c synchronous_commit=off')}`;
}

function tenantId(index: number): string {
  return `t${String(index).padStart(5, '0')}`;
}

async function readCheckpoints(pool: Pool): Promise<Map<string, bigint>> {
  const { rows } = await pool.query<{ projection_name: string; position: string | null }>(
    `SELECT projection_name, position::text FROM read_model.projection_checkpoints`,
  );
  return new Map(
    rows.flatMap((row) =>
      row.position === null ? [] : [[row.projection_name, BigInt(row.position)] as const],
    ),
  );
}

async function eventsUpTo(pool: Pool, position: bigint | undefined): Promise<number> {
  if (position === undefined) return 0;
  const { rows } = await pool.query<{ count: string }>(
    `SELECT count(*)::text AS count FROM event_store.events WHERE global_position <= $1`,
    [position.toString()],
  );
  return Number(rows[0]?.count ?? 0);
}

function minimum(values: readonly bigint[]): bigint | undefined {
  return values.reduce<bigint | undefined>(
    (lowest, value) => (lowest === undefined || value < lowest ? value : lowest),
    undefined,
  );
}

type ReadModelCounts = Record<
  'tenants' | 'tenantsWithFullUsage' | 'vpcs' | 'subnets' | 'activePorts' | 'doneOperations',
  number
>;

async function readModelCounts(pool: Pool): Promise<ReadModelCounts> {
  const { vpcs, subnets, ports } = templateCounts;
  const { rows } = await pool.query<Record<keyof ReadModelCounts, string>>(
    `SELECT
       (SELECT count(*) FROM read_model.tenants)::text AS "tenants",
       (SELECT count(*) FROM read_model.tenants
         WHERE (usage->>'vpcs')::int = $1 AND (usage->>'subnets')::int = $2
           AND (usage->>'ports')::int = $3)::text AS "tenantsWithFullUsage",
       (SELECT count(*) FROM read_model.vpcs)::text AS "vpcs",
       (SELECT count(*) FROM read_model.subnets)::text AS "subnets",
       (SELECT count(*) FROM read_model.ports WHERE status = 'ACTIVE')::text AS "activePorts",
       (SELECT count(*) FROM read_model.operations WHERE done)::text AS "doneOperations"`,
    [vpcs, subnets, ports],
  );
  const row = rows[0];
  const count = (key: keyof ReadModelCounts): number => Number(row?.[key] ?? 0);
  return {
    tenants: count('tenants'),
    tenantsWithFullUsage: count('tenantsWithFullUsage'),
    vpcs: count('vpcs'),
    subnets: count('subnets'),
    activePorts: count('activePorts'),
    doneOperations: count('doneOperations'),
  };
}

/** A rebuilt read model must hold every tenant's resources, as the services left them. */
function readModelProblems(rows: ReadModelCounts, tenants: number): string[] {
  const expected: ReadModelCounts = {
    tenants,
    tenantsWithFullUsage: tenants,
    vpcs: tenants * templateCounts.vpcs,
    subnets: tenants * templateCounts.subnets,
    activePorts: tenants * templateCounts.ports,
    doneOperations: tenants * templateCounts.operations,
  };
  return (Object.keys(expected) as (keyof ReadModelCounts)[])
    .filter((key) => rows[key] !== expected[key])
    .map((key) => `read model ${key}: ${rows[key]} rows, expected ${expected[key]}`);
}
