import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import type { Operation } from '../../libs/api-contract/src/generated/loom/v1/operation';
import type { Port } from '../../libs/api-contract/src/generated/loom/v1/port';
import { errorCode, mintPortalToken } from '../support/api-client';
import { startBenchEngine, type BenchEngine } from '../support/bench-engine';
import { ensureEngineBuilt } from '../support/engine-build';
import { scrapeEngineMetrics, type MetricsSample } from '../support/engine-metrics';
import { openLoomCalls, type LoomCalls } from '../support/grpc-calls';
import { loadAverage } from '../support/machine';
import { againstMeasured, type Metric } from '../support/metric';
import { runOpenLoop, summarize, type LatencySummary } from '../support/open-loop';
import { ScaleCloud, type SubnetRef } from '../support/scale-cloud';
import { writeEventsBehind } from '../support/scale-catch-up';
import { leavesFor, writeScaleTopology } from '../support/scale-topology';
import { eventTimeline, traceActivity, type ActivityTrace } from '../support/scale-trace';
import type { Benchmark, BenchContext } from './benchmark';

/** The sizes of the issue; LOOM_BENCH_SCALE bounds the largest (and is measured itself). */
const smallest = 1_000;
const sizes = [smallest, 10_000, 100_000];
/**
 * 3,000 ports by default, so that the whole `npm run bench` stays under 15 minutes: populating
 * runs at 16 to 23 ports/s on 2 cores (every port's saga, through one fabric file; see
 * bench/README.md, "Scale"), about 4 minutes for this benchmark. 10,000 ports take about 10
 * minutes more, 100,000 over an hour and a half: LOOM_BENCH_SCALE=10000 or 100000 run them.
 */
const defaultScale = 3_000;
const eventsBehind = 10_000;
const deviceLatencyMs = 20;
/** Measured creates per second of LOOM_BENCH_SECONDS (50 by default), one at a time. */
const createsPerSecondOfSetting = 10;
const getRate = 200;
const listRate = 50;
const watchChanges = 50;
const goalRatio = 1.5;
const tenantForMeasures = 'measure';

interface CreateFigures {
  readonly reply: LatencySummary;
  readonly active: LatencySummary;
  /** The first create after the engine started, to ACTIVE: not among the measured. */
  readonly firstToActiveMs: number;
  /** When the first create was sent (epoch ms). */
  readonly firstSentAtMs: number;
  readonly ports: string[];
  readonly problems: string[];
}

interface SizeFigures {
  readonly ports: number;
  readonly createReply: LatencySummary;
  readonly portActive: LatencySummary;
  readonly firstToActiveMs: number;
  readonly getPort: LatencySummary;
  readonly listPorts: LatencySummary;
  readonly watchDelay: LatencySummary;
  readonly startMs: number;
  readonly catchUpMs: number;
  readonly rssMiB: number;
  readonly populateSeconds: number;
  readonly problems: readonly string[];
  readonly loadAverage: number;
}

/**
 * Scale: a cloud grown through the engine's gRPC API to 1,000, 10,000 and 100,000 ports, the same
 * figures measured at each size (bench/README.md, "Scale").
 */
export const scale: Benchmark = {
  name: 'scale',
  async run(context) {
    const largest = positive(process.env['LOOM_BENCH_SCALE']) ?? defaultScale;
    const measured = [...sizes.filter((size) => size < largest), largest].filter(
      (size) => size >= smallest,
    );
    const build = await ensureEngineBuilt((message) => {
      context.log(message);
    });
    if (build.reason !== undefined) context.log(`engine built in ${build.seconds.toFixed(0)} s`);
    const url = await context.server.createDatabase('loom_scale');
    const dataDir = await mkdtemp(join(tmpdir(), 'loom-bench-scale-'));
    // Ctrl-C: the engine stops by itself (bench-engine); its kept data directory is ours to delete.
    const removeAtExit = (): void => {
      rmSync(dataDir, { recursive: true, force: true });
    };
    process.once('exit', removeAtExit);
    const figures: SizeFigures[] = [];
    try {
      // One fabric for every size of the run, sized for the largest.
      const leaves = leavesFor(largest);
      const topology = await writeScaleTopology(dataDir, leaves);
      context.log(`scale: ${leaves} leaves (${topology})`);
      const run = new ScaleRun(context, build.main, url, dataDir, { leaves, topology });
      for (const [round, size] of measured.entries()) {
        figures.push(await run.size(size, round));
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
      process.off('exit', removeAtExit);
    }
    return scaleMetrics(figures);
  },
};

class ScaleRun {
  private cloud: ScaleCloud | undefined;
  private readonly state = { calls: undefined as LoomCalls | undefined };

  constructor(
    private readonly context: BenchContext,
    private readonly main: string,
    private readonly url: string,
    private readonly dataDir: string,
    private readonly fabric: { readonly leaves: number; readonly topology: string },
  ) {}

  async size(size: number, round: number): Promise<SizeFigures> {
    const log = (message: string): void => {
      this.context.log(message);
    };
    const problems: string[] = [];
    // Populate at 0 ms device latency: the fabric work keeps up with the creates.
    let engine = await this.start(0);
    const cloud = (this.cloud ??= new ScaleCloud(this.calls(), this.fabric.leaves));
    cloud.reconnect(this.calls());
    const populateStart = performance.now();
    await cloud.populate(size);
    const drained = await waitForSagas(engine);
    if (drained !== undefined) problems.push(drained);
    // Every port ACTIVE, its operation done: the outcomes recorded, not left for the next start.
    const sagasEnded = performance.now();
    const recorded = await waitForOutcomes(this.url);
    if (recorded !== undefined) problems.push(recorded);
    const outcomesSeconds = (performance.now() - sagasEnded) / 1_000;
    const populateSeconds = (performance.now() - populateStart) / 1_000;
    log(
      `scale ${size}: ${cloud.ports.length} ports in ${cloud.subnets.length} subnets ` +
        `(${populateSeconds.toFixed(0)} s with their sagas and outcomes, the last outcomes ` +
        `${outcomesSeconds.toFixed(1)} s after the last saga); load average ${loadAverage()}`,
    );
    const vacuumSeconds = await vacuumAnalyze(this.url);
    log(`scale ${size}: VACUUM (ANALYZE) after populating took ${vacuumSeconds.toFixed(1)} s`);
    await this.stop(engine);

    // The engine stopped: the log moves on by 10,000 events without it.
    await writeEventsBehind(this.url, cloud.ports, eventsBehind, round);
    let trace = await this.trace();
    engine = await this.start(deviceLatencyMs);
    await this.report(trace, `scale ${size}: the database during the start`);
    trace = await this.trace();
    const ready = performance.now();
    const caughtUp = await waitForProjections(engine);
    const catchUpMs = performance.now() - ready;
    await this.report(trace, `scale ${size}: the database during the catch-up`);
    if (caughtUp !== undefined) problems.push(caughtUp);
    cloud.reconnect(this.calls());

    trace = await this.trace();
    const measureSubnets = await this.measureSubnets(cloud, round);
    const traced = trace;
    const creates = await measureCreates(this.context, cloud, measureSubnets, async (sentAt) => {
      if (traced === undefined) return;
      await this.report(traced, `scale ${size}: the database until the first saga ended`);
      const timeline = await eventTimeline(this.url, sentAt);
      log(`scale ${size}: the events after the first create:\n  ${timeline.join('\n  ')}`);
    });
    problems.push(...creates.problems);
    trace = await this.trace();
    const gets = await this.openLoop(getRate, async () => {
      const name = pick(cloud.ports);
      const port = await this.calls().unary<Port>('PortService', 'GetPort', { name });
      if (port.name !== name) throw new Error(`GetPort ${name} answered ${port.name}`);
    });
    problems.push(...gets.problems);
    const lists = await this.openLoop(listRate, async () => {
      const subnet = pick(cloud.subnets);
      const page = await this.calls().unary<{ ports: Port[] }>('PortService', 'ListPorts', {
        parent: subnet.name,
        pageSize: 50,
      });
      if (page.ports.length === 0) throw new Error(`ListPorts ${subnet.name} answered no port`);
    });
    problems.push(...lists.problems);
    await this.report(trace, `scale ${size}: the database during the Gets and Lists`);
    const watch = await measureWatch(this.calls(), creates.ports);
    problems.push(...watch.problems);
    const metrics = await scrapeEngineMetrics(engine.metricsUrl);
    const rssMiB = (metrics?.get('process_resident_memory_bytes') ?? Number.NaN) / 2 ** 20;
    const figures: SizeFigures = {
      ports: cloud.ports.length,
      createReply: creates.reply,
      portActive: creates.active,
      firstToActiveMs: creates.firstToActiveMs,
      getPort: gets.latency,
      listPorts: lists.latency,
      watchDelay: watch.delay,
      startMs: engine.startMs,
      catchUpMs,
      rssMiB,
      populateSeconds,
      problems,
      loadAverage: loadAverage(),
    };
    log(`scale ${size}: ${describe(figures)}`);
    await this.stop(engine);
    return figures;
  }

  private async measureSubnets(cloud: ScaleCloud, round: number): Promise<SubnetRef[]> {
    if (round === 0) await cloud.createTenantWithVpc(tenantForMeasures);
    const vpc = `tenants/${tenantForMeasures}/vpcs/vpc`;
    return Promise.all(
      ['leaf1', 'leaf2', 'leaf3', 'leaf4'].map(async (leaf, index) => ({
        name: await cloud.createSubnet(vpc, `r${round}-${index}`, round * 4 + index),
        leaf,
      })),
    );
  }

  private async openLoop(
    rate: number,
    send: () => Promise<void>,
  ): Promise<{ latency: LatencySummary; problems: string[] }> {
    const result = await runOpenLoop({
      rate,
      settleMs: this.context.settings.warmupMs / 2,
      measureMs: this.context.settings.durationMs,
      maxBacklogMs: 5_000,
      send,
      classify: errorCode,
    });
    const problems =
      result.failed > 0 ? [`${result.failed} failed ${JSON.stringify(result.errors)}`] : [];
    return { latency: result.latency, problems };
  }

  /** LOOM_BENCH_TRACE=1: what the database is busy with (bench/support/scale-trace.ts). */
  private async trace(): Promise<ActivityTrace | undefined> {
    return process.env['LOOM_BENCH_TRACE'] === '1' ? traceActivity(this.url) : undefined;
  }

  private async report(trace: ActivityTrace | undefined, title: string): Promise<void> {
    if (trace === undefined) return;
    const lines = await trace.stop();
    this.context.log(`${title}: ${lines.join('\n  ')}`);
  }

  private calls(): LoomCalls {
    if (this.state.calls === undefined) throw new Error('no engine running');
    return this.state.calls;
  }

  private async start(latencyMs: number): Promise<BenchEngine> {
    const profileDir = process.env['LOOM_BENCH_CPU_PROF'];
    const engine = await startBenchEngine({
      main: this.main,
      dataDir: this.dataDir,
      // The measured starts (after the events written behind), as the API benchmark's.
      cpuProfileDir: profileDir && latencyMs > 0 ? resolve(profileDir) : undefined,
      env: {
        DATABASE_URL: this.url,
        LOOM_FABRIC_LATENCY_MS: String(latencyMs),
        LOOM_FABRIC_TOPOLOGY: this.fabric.topology,
        LOOM_L3_VNI_RANGE: '1000000-1999999',
        LOOM_DASHBOARD: 'off',
      },
    });
    const token = await mintPortalToken(engine.signingKey, 'bench-scale');
    this.state.calls = openLoomCalls(engine.address, token, 4);
    return engine;
  }

  private async stop(engine: BenchEngine): Promise<void> {
    this.state.calls?.close();
    this.state.calls = undefined;
    await engine.stop();
    // Warnings and errors only (LOOM_LOG_LEVEL=warn): what went wrong, e.g. retried starts.
    const lines = engine.output().trim().split('\n').filter(Boolean);
    if (lines.length > 0) {
      this.context.log(`scale: the engine logged ${lines.length} lines, the last:`);
      for (const line of lines.slice(-5)) this.context.log(`  ${line.slice(0, 400)}`);
    }
  }
}

/**
 * CreatePort, one after another (each waits for the last one's saga), round the 4 leaves: the
 * reply (the intent committed) and the Operation done (the port's provision-port saga ended on the
 * fabric, ACTIVE). One at a time, so that the saga's duration is its own, not a queue's: the
 * file-backed fabric runs every device operation of every leaf under one file lock.
 */
async function measureCreates(
  context: BenchContext,
  cloud: ScaleCloud,
  subnets: readonly SubnetRef[],
  firstDone: (sentAtMs: number) => Promise<void>,
): Promise<CreateFigures> {
  const replies: number[] = [];
  const actives: number[] = [];
  const ports: string[] = [];
  const problems: string[] = [];
  const count = Math.max(
    8,
    Math.round((createsPerSecondOfSetting * context.settings.durationMs) / 1_000),
  );
  // One unmeasured create per leaf first: the first saga after a start took seconds (README).
  let firstToActiveMs = Number.NaN;
  let firstSentAtMs = Number.NaN;
  for (let sequence = -subnets.length; sequence < count; sequence += 1) {
    const subnet = subnets[(sequence + subnets.length) % subnets.length];
    if (subnet === undefined) throw new Error('no subnet');
    const sent = performance.now();
    if (sequence === -subnets.length) firstSentAtMs = Date.now();
    try {
      const operation: Operation = await cloud.createPort(subnet, `m${sequence + subnets.length}`);
      const replied = performance.now() - sent;
      ports.push(operation.target);
      await cloud.waitDone(operation);
      const active = performance.now() - sent;
      if (sequence === -subnets.length) {
        firstToActiveMs = active;
        await firstDone(firstSentAtMs);
      }
      if (sequence < 0) continue;
      replies.push(replied);
      actives.push(active);
    } catch (error) {
      problems.push(`CreatePort m${sequence}: ${errorCode(error)}`);
    }
  }
  return {
    reply: summarize(replies),
    active: summarize(actives),
    firstToActiveMs,
    firstSentAtMs,
    ports,
    problems,
  };
}

/**
 * A Watch on the measuring tenant, then UpdatePort calls one after another (50 ms apart): the delay
 * from each change's update_time (set when it was committed, same machine clock) to its arrival.
 */
async function measureWatch(
  calls: LoomCalls,
  ports: readonly string[],
): Promise<{ delay: LatencySummary; problems: string[] }> {
  const delays: number[] = [];
  const waiting = new Map<string, () => void>();
  const stream = calls.stream(
    'WatchService',
    'Watch',
    { parent: `tenants/${tenantForMeasures}` },
    (message) => {
      const change = message as { type: string; port?: Port | null };
      const port = change.port;
      if (change.type !== 'UPDATED' || !port) return;
      const done = waiting.get(port.displayName);
      if (done === undefined) return;
      const committed = timestampMs(port.updateTime);
      delays.push(Date.now() - committed);
      waiting.delete(port.displayName);
      done();
    },
  );
  const problems: string[] = [];
  try {
    await sleep(500);
    for (let index = 0; index < watchChanges; index += 1) {
      const name = ports[index % ports.length];
      if (name === undefined) break;
      const displayName = `watched ${index}`;
      const arrived = new Promise<void>((resolve) => waiting.set(displayName, resolve));
      await calls.unary('PortService', 'UpdatePort', {
        port: { name, displayName },
        updateMask: { paths: ['display_name'] },
      });
      const late = await Promise.race([arrived.then(() => false), sleep(10_000, true)]);
      if (late) problems.push(`Watch: no change for ${name} within 10 s`);
      await sleep(50);
    }
  } finally {
    stream.cancel();
  }
  return { delay: summarize(delays), problems };
}

function timestampMs(
  timestamp: { seconds: string | number; nanos: number } | null | undefined,
): number {
  if (!timestamp) return Number.NaN;
  return Number(timestamp.seconds) * 1_000 + timestamp.nanos / 1e6;
}

/** Until no saga waits or runs (loom_sagas); a problem when some failed, parked or never ended. */
async function waitForSagas(engine: BenchEngine): Promise<string | undefined> {
  const deadline = performance.now() + 3_600_000;
  for (;;) {
    const sample = await scrapeEngineMetrics(engine.metricsUrl);
    if (sample !== undefined) {
      const active = sagaCount(sample, ['waiting', 'running', 'compensating']);
      if (active === 0) {
        const bad = sagaCount(sample, ['failed', 'parked']);
        return bad === 0 ? undefined : `${bad} sagas failed or parked while populating`;
      }
    }
    if (performance.now() > deadline) return 'sagas still running after an hour';
    await sleep(500);
  }
}

/**
 * What autovacuum would have done while a real cloud grew over months, done at once: populating
 * writes thousands of ports a minute, and without this the measures ran beside autovacuum's
 * VACUUM and ANALYZE of the saga index and the audit entries (the trace at 10,000 ports: 8 and 4
 * of 226 samples during the Gets, up to 662 ms each), measuring the populating's aftermath.
 */
async function vacuumAnalyze(url: string): Promise<number> {
  const client = new Client({ connectionString: url, application_name: 'loom-bench-scale' });
  await client.connect();
  const started = performance.now();
  try {
    await client.query('VACUUM (ANALYZE)');
  } finally {
    await client.end();
  }
  return (performance.now() - started) / 1_000;
}

/**
 * Until the fabric work dispatcher has recorded the outcome of every saga that ended (its
 * reactions' checkpoint is past the last saga end): the ports ACTIVE, their operations done.
 */
async function waitForOutcomes(url: string): Promise<string | undefined> {
  const client = new Client({ connectionString: url, application_name: 'loom-bench-scale' });
  await client.connect();
  try {
    const { rows } = await client.query<{ last: string | null }>(
      `SELECT max(global_position)::text AS last FROM event_store.events
       WHERE stream_name LIKE 'saga-%' AND event_type IN ('SagaCompleted', 'SagaFailed')`,
    );
    const last = BigInt(rows[0]?.last ?? '0');
    const deadline = performance.now() + 600_000;
    for (;;) {
      const { rows: checkpoint } = await client.query<{ position: string | null }>(
        `SELECT max(position)::text AS position FROM event_store.subscription_checkpoints
         WHERE subscription_name = 'fabric-work-outcomes'`,
      );
      if (BigInt(checkpoint[0]?.position ?? '0') >= last) return undefined;
      if (performance.now() > deadline) return 'saga outcomes still unrecorded after 10 minutes';
      await sleep(200);
    }
  } finally {
    await client.end();
  }
}

function sagaCount(sample: MetricsSample, states: readonly string[]): number {
  let count = 0;
  for (const [series, value] of sample) {
    if (
      series.startsWith('loom_sagas{') &&
      states.some((state) => series.includes(`state="${state}"`))
    )
      count += value;
  }
  return count;
}

/** Until every projection's lag (loom_projection_lag_events) is 0, polled every 20 ms. */
async function waitForProjections(engine: BenchEngine): Promise<string | undefined> {
  const deadline = performance.now() + 300_000;
  for (;;) {
    const sample = await scrapeEngineMetrics(engine.metricsUrl);
    if (sample !== undefined) {
      let lag = 0;
      let seen = 0;
      for (const [series, value] of sample) {
        if (!series.startsWith('loom_projection_lag_events{')) continue;
        seen += 1;
        lag += value;
      }
      if (seen > 0 && lag === 0) return undefined;
    }
    if (performance.now() > deadline) return 'projections still behind after 5 minutes';
    await sleep(20);
  }
}

function scaleMetrics(figures: readonly SizeFigures[]): Metric[] {
  const base = figures[0];
  if (base === undefined) return [];
  const compared = figures.length === 1 ? figures : figures.slice(1);
  const rows: [string, string, string, (figures: SizeFigures) => number][] = [
    ['create_port_p50_ms', 'CreatePort reply, p50', 'ms', (f) => f.createReply.p50],
    ['create_port_p99_ms', 'CreatePort reply, p99', 'ms', (f) => f.createReply.p99],
    [
      'port_saga_p50_ms',
      'CreatePort to ACTIVE (saga, 20 ms devices), p50',
      'ms',
      (f) => f.portActive.p50,
    ],
    [
      'port_saga_p99_ms',
      'CreatePort to ACTIVE (saga, 20 ms devices), p99',
      'ms',
      (f) => f.portActive.p99,
    ],
    ['get_port_p50_ms', 'GetPort, p50', 'ms', (f) => f.getPort.p50],
    ['get_port_p99_ms', 'GetPort, p99', 'ms', (f) => f.getPort.p99],
    ['list_ports_p50_ms', 'ListPorts page, p50', 'ms', (f) => f.listPorts.p50],
    ['list_ports_p99_ms', 'ListPorts page, p99', 'ms', (f) => f.listPorts.p99],
    ['watch_delay_p50_ms', 'Watch event, commit to client, p50', 'ms', (f) => f.watchDelay.p50],
    ['watch_delay_p99_ms', 'Watch event, commit to client, p99', 'ms', (f) => f.watchDelay.p99],
    ['start_ms', 'engine start to ready', 'ms', (f) => f.startMs],
    ['rss_mib', 'engine RSS after the measures', 'MiB', (f) => f.rssMiB],
    [
      'catch_up_ms',
      `projection catch-up, ${eventsBehind.toLocaleString('en-US')} events behind`,
      'ms',
      (f) => f.catchUpMs,
    ],
  ];
  const metrics: Metric[] = [];
  for (const at of compared) {
    const size = at.ports.toLocaleString('en-US');
    for (const [key, label, unit, value] of rows) {
      metrics.push(
        againstMeasured(
          {
            key: `scale.${at.ports}.${key}`,
            label: `${label}, ${size} ports`,
            value: value(at),
            unit,
            problem: at.problems.length === 0 ? undefined : at.problems.join('; '),
            details: {
              ports: at.ports,
              populateSeconds: Math.round(at.populateSeconds),
              firstCreateToActiveMs: Math.round(at.firstToActiveMs),
              loadAverage: at.loadAverage,
            },
          },
          { label: `${unit} at ${base.ports.toLocaleString('en-US')} ports`, value: value(base) },
          { comparison: '<=', ratio: goalRatio },
        ),
      );
    }
  }
  return metrics;
}

function describe(f: SizeFigures): string {
  const l = (s: LatencySummary): string => `${s.p50.toFixed(1)}/${s.p99.toFixed(1)} ms`;
  return (
    `create ${l(f.createReply)}, to ACTIVE ${l(f.portActive)} ` +
    `(the first after the start ${f.firstToActiveMs.toFixed(0)} ms), get ${l(f.getPort)}, ` +
    `list ${l(f.listPorts)}, watch ${l(f.watchDelay)}, start ${f.startMs.toFixed(0)} ms, ` +
    `catch-up ${f.catchUpMs.toFixed(0)} ms, RSS ${f.rssMiB.toFixed(0)} MiB` +
    `${f.problems.length > 0 ? `; problems: ${f.problems.join('; ')}` : ''}; load average ${f.loadAverage}`
  );
}

function pick<T>(values: readonly T[]): T {
  const value = values[Math.floor(Math.random() * values.length)];
  if (value === undefined) throw new Error('nothing to pick from');
  return value;
}

function positive(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`LOOM_BENCH_SCALE: not a positive number: ${text}`);
  return value;
}
