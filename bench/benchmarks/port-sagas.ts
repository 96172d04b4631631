import '../support/loom-aliases';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import pino from 'pino';
import { startFabricWorkDispatcher } from '../../libs/intents/src';
import { eventStoreMigrations } from '../../libs/event-store/src/postgres/migrations';
import { PostgresEventStore } from '../../libs/event-store/src/postgres/postgres-event-store';
import {
  defaultTopology,
  openFileBackedFabric,
  SimulatedFabric,
  type FabricCounters,
} from '../../libs/fabric/src';
import {
  AggregateStore,
  createNetworkServices,
  fabricRepairSaga,
  networkEventCatalog,
  portFabricSagas,
} from '../../libs/network/src';
import { defaultNetworkSettings } from '../../libs/network/src/shared/network-settings';
import { createPool, runMigrations } from '../../libs/postgres/src';
import { Sagas, SagaWorker, sagaMigrations, type AnySagaDefinition } from '../../libs/sagas/src';
import { cpuBetween, sampleCpu } from '../support/cpu-split';
import { countQueries } from '../support/query-counter';
import { againstMeasured, type Metric, type MetricInput } from '../support/metric';
import type { Benchmark, BenchContext } from './benchmark';
import { createVpcsWithSubnets } from '../support/network-template';

/** The engine's defaults: LOOM_DEVICE_TIMEOUT_MS, LOOM_SAGA_LEASE_MS, LOOM_DB_POOL_SIZE. */
const deviceTimeoutMs = 10_000;
const leaseMs = 10_000;
const poolSize = 10;
const leaves = defaultTopology.devices
  .filter((device) => device.role === 'leaf')
  .map((device) => ({ name: device.name, interfaces: device.interfaces }));
/** One port per leaf interface: every saga binds a distinct interface. */
const portCount = leaves.reduce((sum, leaf) => sum + leaf.interfaces.length, 0);
const vpcCount = 4;
const subnetsPerVpc = 2;
/** Callers creating the ports at once (through PortService, as the API would). */
const creators = 8;
const deviceSteps = 3;
const runDeadlineMs = 60_000;
/** The workers' connections say so, to count their statements apart from the bench's. */
const workerApplicationName = 'loom-bench-saga-worker';
const sampleEveryMs = 10;
/** 20 ms rows: the share of the device-time ceiling the sagas should reach. */
const ceilingShare = 0.8;

/**
 * `file`: the engine's fabric, openFileBackedFabric (a journal per device, one appended line and
 * one fdatasync under the device's lock file per change; each worker opens the directory itself,
 * as engine processes sharing LOOM_FABRIC_DIR do). `memory`: one in-memory SimulatedFabric shared
 * by the workers, which leaves Loom's own cost.
 */
type FabricKind = 'memory' | 'file';

interface Point {
  readonly fabric: FabricKind;
  readonly latencyMs: number;
  readonly workers: number;
}

const points: readonly Point[] = (['memory', 'file'] as const).flatMap((fabric) =>
  [0, 20].flatMap((latencyMs) => [1, 2].map((workers) => ({ fabric, latencyMs, workers }))),
);

const fabricNames: Record<FabricKind, string> = {
  memory: 'in-memory fabric',
  file: 'file-backed fabric',
};

/**
 * provision-port sagas (the real definitions, portFabricSagas) on the simulated fabric, in memory
 * and file-backed as the engine runs it, default topology: one port per interface of
 * leaf1-leaf4 (192) is created through the real PortService, which queues its saga; then 1 or 2
 * SagaWorkers (each with its own pool and event store, like engine processes) work off the
 * backlog. Sagas of one leaf run one after another (resource key leaf/{leaf}): at most 4 at once.
 */
export const portSagas: Benchmark = {
  name: 'network-port-sagas',
  async run(context) {
    const metrics: Metric[] = [];
    for (const point of points) metrics.push(...pointMetrics(await measurePoint(context, point)));
    return metrics;
  },
};

interface PointResult extends Point {
  readonly sagas: number;
  readonly completed: number;
  readonly failed: number;
  readonly seconds: number;
  readonly timedOut: boolean;
  readonly maxRunning: number;
  readonly maxRunningOnOneLeaf: number;
  readonly maxHeldByWorkers: number;
  readonly samples: number;
  readonly createsPerSecond: number;
  readonly deviceEffects: string;
  readonly deviceFailures: number;
  /** bindL2Vni operations that changed a leaf: one per port, exactly. */
  readonly portsBound: number;
  readonly nodeCores: number;
  readonly postgresCores: number | undefined;
  /** Statements the workers sent while they ran, and their average latency. */
  readonly workerStatements: number;
  readonly averageStatementMs: number;
}

async function measurePoint(context: BenchContext, point: Point): Promise<PointResult> {
  const { fabric, latencyMs, workers: workerCount } = point;
  const url = await context.server.createDatabase(
    `bench_sagas_${fabric}_${latencyMs}ms_${workerCount}w`,
  );
  await runMigrations(url, [...eventStoreMigrations, ...sagaMigrations]);
  const fabricDir = await mkdtemp(join(tmpdir(), 'loom-bench-fabric-'));
  const logger = pino({ level: 'warn', base: { component: 'bench-sagas' } }, pino.destination(2));
  const pool = createPool(url, poolSize);
  const monitor = createPool(url, 1);
  const store = new PostgresEventStore({ pool });
  const driver =
    fabric === 'file'
      ? await openFileBackedFabric({
          directory: fabricDir,
          topology: defaultTopology,
          latency: latencyMs,
        })
      : new SimulatedFabric({ topology: defaultTopology, latency: latencyMs });
  // Another process's handle on the same directory, or the one in-memory fabric.
  const openDriver = async (): Promise<SimulatedFabric> =>
    fabric === 'file'
      ? openFileBackedFabric({ directory: fabricDir, topology: defaultTopology })
      : driver;
  const workers: { worker: SagaWorker; close: () => Promise<void> }[] = [];
  const wiring: { sagas?: Sagas } = {};
  try {
    const created = await createPorts(store, pool, driver, (started) => {
      wiring.sagas = started;
    });
    for (let index = 0; index < workerCount; index += 1) {
      workers.push(openWorker(url, await openDriver(), `bench-worker-${index + 1}`, logger));
    }
    const { rows } = await monitor.query<{ started: Date }>(`SELECT clock_timestamp() AS started`);
    const startedAt = rows[0]?.started ?? new Date();
    const cpuBefore = sampleCpu();
    const counter = countQueries(workerApplicationName);
    const clockStart = performance.now();
    for (const { worker } of workers) worker.start();
    const seen = { maxRunning: 0, maxOnOneLeaf: 0, maxHeld: 0, samples: 0 };
    let progress = { completed: 0, failed: 0 };
    let timedOut = false;
    for (;;) {
      const held = workers.reduce((sum, { worker }) => sum + worker.activeSagaIds().length, 0);
      const sample = await sampleSagas(monitor);
      seen.maxRunning = Math.max(seen.maxRunning, sample.running);
      seen.maxOnOneLeaf = Math.max(seen.maxOnOneLeaf, sample.runningOnOneLeaf);
      seen.maxHeld = Math.max(seen.maxHeld, held);
      seen.samples += 1;
      progress = sample;
      if (sample.completed + sample.failed >= created.sagas) break;
      if (performance.now() - clockStart > runDeadlineMs) {
        timedOut = true;
        break;
      }
      await sleep(sampleEveryMs);
    }
    const cpu = cpuBetween(cpuBefore, sampleCpu());
    await Promise.all(workers.map(({ worker }) => worker.stop()));
    const statements = counter.counts();
    counter.stop();
    const seconds = await lastUpdateSeconds(monitor, startedAt);
    const effects = deviceEffects(await driver.counters());
    const result: PointResult = {
      ...point,
      sagas: created.sagas,
      completed: progress.completed,
      failed: progress.failed,
      seconds: timedOut ? runDeadlineMs / 1_000 : seconds,
      timedOut,
      maxRunning: seen.maxRunning,
      maxRunningOnOneLeaf: seen.maxOnOneLeaf,
      maxHeldByWorkers: seen.maxHeld,
      samples: seen.samples,
      createsPerSecond: created.perSecond,
      deviceEffects: effects.summary,
      deviceFailures: effects.failed,
      portsBound: effects.bound,
      nodeCores: cpu.nodeCores,
      postgresCores: cpu.postgresCores,
      workerStatements: statements.queries,
      averageStatementMs: (statements.seconds / statements.queries) * 1_000,
    };
    context.log(
      `port sagas, ${fabricNames[fabric]}, ${latencyMs} ms, ${workerCount} worker(s): ${result.completed} of ` +
        `${result.sagas} completed (${result.failed} failed) in ${result.seconds.toFixed(2)} s = ` +
        `${(result.completed / result.seconds).toFixed(1)} sagas/s; most running ${result.maxRunning} ` +
        `(on one leaf ${result.maxRunningOnOneLeaf}, held by workers ${result.maxHeldByWorkers}); ` +
        `creates ${created.perSecond.toFixed(0)}/s; devices: ${effects.summary}; ` +
        `${(statements.queries / created.sagas).toFixed(1)} worker statements per saga, ` +
        `${result.averageStatementMs.toFixed(2)} ms each on average; ` +
        `${((leaves.length * result.seconds * 1_000) / result.completed).toFixed(0)} ms per saga on a leaf; ` +
        `cores: node ${cpu.nodeCores.toFixed(2)}, postgres ${cpu.postgresCores?.toFixed(2) ?? 'n/a'}`,
    );
    return result;
  } finally {
    for (const { worker, close } of workers) {
      await worker.stop();
      await close();
    }
    wiring.sagas?.close();
    await store.close();
    await pool.end();
    await monitor.end();
    await rm(fabricDir, { recursive: true, force: true });
  }
}

/**
 * A tenant with 4 VPCs of 2 subnets each and one port per leaf interface, spread over the
 * subnets and the 4 leaves, created through the network services wired to the fabric as the
 * engine wires them (fabric-work.module.ts): each create records a provision-port saga, which the
 * fabric work dispatcher queues.
 */
async function createPorts(
  store: PostgresEventStore,
  pool: Pool,
  driver: SimulatedFabric,
  onSagas: (sagas: Sagas) => void,
): Promise<{ sagas: number; perSecond: number }> {
  const services = createNetworkServices(store, defaultNetworkSettings, {
    topology: defaultTopology,
  });
  const sagas = new Sagas({
    pool,
    store,
    definitions: engineDefinitions(driver, services.aggregates),
  });
  onSagas(sagas);
  const context = { actor: 'bench@loom.example', correlationId: randomUUID() };
  const tenantId = 'bench';
  await services.tenants.create(
    {
      tenantId,
      displayName: 'Bench tenant',
      quota: {
        vpcs: vpcCount,
        subnets: vpcCount * subnetsPerVpc,
        ports: portCount,
        floatingIps: 0,
      },
      requestId: randomUUID(),
    },
    context,
  );
  const subnets = await createVpcsWithSubnets(services, context, tenantId, vpcCount, subnetsPerVpc);
  // Port i: leaf i mod 4, that leaf's interface i div 4, subnet i mod 8 (so every leaf carries
  // every VPC and subnet, and each VRF and VLAN is first created by one saga, then ensured).
  const ports = Array.from({ length: portCount }, (_, index) => {
    const leaf = leaves[index % leaves.length];
    const subnet = subnets[index % subnets.length];
    const switchInterface = leaf?.interfaces[Math.floor(index / leaves.length)];
    if (!leaf || !subnet || !switchInterface) throw new Error(`no placement for port ${index}`);
    return { index, leaf: leaf.name, switchInterface, ...subnet };
  });
  const dispatcher = startFabricWorkDispatcher({ store, sagas });
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: creators }, async () => {
      for (let port = ports[next++]; port !== undefined; port = ports[next++]) {
        await services.ports.create(
          {
            tenantId,
            vpcId: port.vpcId,
            subnetId: port.subnetId,
            portId: `port-${port.index}`,
            displayName: `Port ${port.index}`,
            kind: 'BARE_METAL',
            fixedIp: '',
            macAddress: '',
            binding: {
              host: `host-${port.index}`,
              leafSwitch: port.leaf,
              interface: port.switchInterface,
              vlan: 0,
            },
            requestId: randomUUID(),
          },
          context,
        );
      }
    }),
  );
  // Created when their sagas are queued, as the engine's dispatcher queues them.
  let queued = 0;
  for (const deadline = Date.now() + runDeadlineMs; queued < portCount && Date.now() < deadline;) {
    const { rows } = await pool.query<{ count: string }>(
      `SELECT count(*)::text AS count FROM sagas.instances WHERE type = 'provision-port' AND status = 'waiting'`,
    );
    queued = Number(rows[0]?.count ?? 0);
    if (queued < portCount) await sleep(5);
  }
  const seconds = (performance.now() - start) / 1_000;
  await dispatcher.stop();
  if (queued !== portCount)
    throw new Error(`${queued} provision-port sagas queued, not ${portCount}`);
  return { sagas: queued, perSecond: portCount / seconds };
}

/** The saga types an engine's worker runs: port provisioning and leaf repair. */
function engineDefinitions(
  driver: SimulatedFabric,
  aggregates: AggregateStore,
): AnySagaDefinition[] {
  return [
    ...portFabricSagas({ driver, aggregates, deviceTimeoutMs }),
    fabricRepairSaga({ driver, aggregates, deviceTimeoutMs }),
  ];
}

/** A worker as an engine process runs it: its own pool, event store, aggregates and fabric handle. */
function openWorker(
  url: string,
  driver: SimulatedFabric,
  workerId: string,
  logger: pino.Logger,
): { worker: SagaWorker; close: () => Promise<void> } {
  // createPool's pool under another application name.
  const pool = new Pool({
    connectionString: url,
    max: poolSize,
    application_name: workerApplicationName,
  });
  pool.on('error', () => undefined);
  const store = new PostgresEventStore({ pool });
  const aggregates = new AggregateStore(store, networkEventCatalog);
  const worker = new SagaWorker({
    pool,
    store,
    definitions: engineDefinitions(driver, aggregates),
    workerId,
    leaseMs,
    logger: logger.child({ worker: workerId }),
  });
  return {
    worker,
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
}

interface SagaSample {
  readonly running: number;
  readonly runningOnOneLeaf: number;
  readonly completed: number;
  readonly failed: number;
}

async function sampleSagas(pool: Pool): Promise<SagaSample> {
  const { rows } = await pool.query<Record<keyof SagaSample, string>>(
    `SELECT
       count(*) FILTER (WHERE status IN ('running', 'compensating'))::text AS "running",
       count(*) FILTER (WHERE status = 'completed')::text AS "completed",
       count(*) FILTER (WHERE status IN ('failed', 'parked'))::text AS "failed",
       COALESCE((SELECT max(n) FROM (
         SELECT count(*) AS n FROM sagas.instances
         WHERE status IN ('running', 'compensating') GROUP BY resource_key) AS per_leaf), 0
       )::text AS "runningOnOneLeaf"
     FROM sagas.instances`,
  );
  const row = rows[0];
  return {
    running: Number(row?.running ?? 0),
    runningOnOneLeaf: Number(row?.runningOnOneLeaf ?? 0),
    completed: Number(row?.completed ?? 0),
    failed: Number(row?.failed ?? 0),
  };
}

/** From the workers' start to the last saga's last index update, by the database's clock. */
async function lastUpdateSeconds(pool: Pool, startedAt: Date): Promise<number> {
  const { rows } = await pool.query<{ seconds: number | null }>(
    `SELECT extract(epoch FROM max(updated_at) - $1::timestamptz)::float8 AS seconds
     FROM sagas.instances WHERE status IN ('completed', 'failed', 'parked')`,
    [startedAt],
  );
  return rows[0]?.seconds ?? Number.NaN;
}

/** Operations that changed a leaf, per kind, and how many failed on any device. */
function deviceEffects(counters: FabricCounters): {
  summary: string;
  failed: number;
  bound: number;
} {
  const applied = new Map<string, number>();
  const unchanged = new Map<string, number>();
  let failed = 0;
  for (const kinds of Object.values(counters)) {
    for (const [kind, count] of Object.entries(kinds)) {
      applied.set(kind, (applied.get(kind) ?? 0) + count.applied);
      unchanged.set(kind, (unchanged.get(kind) ?? 0) + count.unchanged);
      failed += count.failed;
    }
  }
  const summary = [...applied]
    .map(([kind, count]) => `${kind} ${count} applied/${unchanged.get(kind) ?? 0} unchanged`)
    .join(', ');
  return { summary, failed, bound: applied.get('bindL2Vni') ?? 0 };
}

function pointMetrics(result: PointResult): Metric[] {
  const { fabric, latencyMs, workers } = result;
  const setting = `${fabricNames[fabric]}, ${latencyMs} ms, ${workers} ${workers === 1 ? 'worker' : 'workers'}`;
  const key = `sagas.provision-port.${fabric}.${latencyMs}ms.${workers}-${workers === 1 ? 'worker' : 'workers'}`;
  const problems = [
    ...(result.timedOut ? [`stopped after ${runDeadlineMs / 1_000} s`] : []),
    ...(result.completed === result.sagas
      ? []
      : [`${result.completed} of ${result.sagas} completed, ${result.failed} failed or parked`]),
    ...(result.deviceFailures > 0 ? [`${result.deviceFailures} device operations failed`] : []),
    ...(result.portsBound === result.sagas
      ? []
      : [`${result.portsBound} port VLANs bound on the leaves for ${result.sagas} ports`]),
    ...(result.maxRunningOnOneLeaf > 1
      ? [`${result.maxRunningOnOneLeaf} sagas ran at once on one leaf`]
      : []),
  ];
  const problem = problems.length > 0 ? problems.join('; ') : undefined;
  const details = {
    sagas: result.sagas,
    completed: result.completed,
    failed: result.failed,
    seconds: result.seconds,
    fabric: fabricNames[fabric],
    deviceLatencyMs: latencyMs,
    workers,
    workerConcurrency: 16,
    maxRunningOnOneLeaf: result.maxRunningOnOneLeaf,
    maxHeldByWorkers: result.maxHeldByWorkers,
    samples: result.samples,
    portCreatesPerSecond: result.createsPerSecond,
    deviceEffects: result.deviceEffects,
    nodeCores: result.nodeCores,
    postgresCores: result.postgresCores ?? 'n/a',
    msPerSagaOnALeaf: (leaves.length * result.seconds * 1_000) / result.completed,
    workerStatementsPerSaga: result.workerStatements / result.sagas,
    averageWorkerStatementMs: result.averageStatementMs,
  };
  const rate: MetricInput = {
    key: `${key}.rate`,
    label: `provision-port sagas, ${setting}`,
    value: result.completed / result.seconds,
    unit: 'sagas/s',
    problem,
    details,
  };
  const ceiling = (leaves.length * 1_000) / (deviceSteps * latencyMs);
  return [
    latencyMs === 0
      ? againstMeasured(
          rate,
          {
            label: 'port creates/s through PortService (sagas queued)',
            value: result.createsPerSecond,
          },
          { comparison: '>=', ratio: 1 },
        )
      : asTarget(
          againstMeasured(
            rate,
            {
              label: `ceiling: 4 leaves, 3 device ops of ${latencyMs} ms per saga`,
              value: ceiling,
            },
            { comparison: '>=', ratio: ceilingShare },
          ),
        ),
    asTarget(
      againstMeasured(
        {
          key: `${key}.max-in-flight`,
          label: `provision-port sagas in flight at most, ${setting}`,
          value: result.maxRunning,
          unit: 'sagas',
          problem,
          details: { samples: result.samples, maxHeldByWorkers: result.maxHeldByWorkers },
        },
        { label: 'leaves: sagas of one leaf run one after another', value: leaves.length },
        { comparison: '>=', ratio: 1 },
      ),
    ),
  ];
}

/** A reference that is a fixed figure rather than measured in the run. */
function asTarget(metric: Metric): Metric {
  return { ...metric, reference: { ...metric.reference, kind: 'target' } };
}
