import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  errorCode,
  mintPortalToken,
  openApiChannels,
  type ApiChannel,
} from '../support/api-client';
import { seriesMetrics, stopRising, type ApiSeries, type ApiStep } from '../support/api-metrics';
import { startBenchEngine, type BenchEngine } from '../support/bench-engine';
import { ensureEngineBuilt } from '../support/engine-build';
import { loadAverage } from '../support/machine';
import { engineLoopFigures, scrapeEngineMetrics } from '../support/engine-metrics';
import { monitorClientLoop } from '../support/loop-monitor';
import { runOpenLoop } from '../support/open-loop';
import { collectGarbage } from '../support/rss';
import { sampleTreeCpu } from '../support/process-cpu';
import type { Benchmark, BenchContext } from './benchmark';

/** Requests per second offered, in turn, until one is past the limit by a wide margin. */
const ladder = [25, 50, 100, 200, 400, 600, 800, 1_000, 1_200, 1_600, 2_000, 2_500];
/** Connections to the engine, used in turn, so that the client is not the bottleneck. */
const channelCount = 4;
const callDeadlineMs = 10_000;
const tenantId = 'bench';
/** Plenty of L3 VNIs (one per VPC) and quota for every VPC a run creates. */
const engineEnv = { LOOM_L3_VNI_RANGE: '1000000-1999999' };
const vpcQuota = 1_000_000;
/** The engine counts as idle under this much CPU (it uses about 0.05 cores doing nothing). */
const quietCores = 0.25;

/**
 * The gRPC API of the built engine, run as its own process (on its embedded PostgreSQL), as the
 * cloud portal calls it: CreateVpc, then GetVpc, each offered at rising fixed rates.
 * LOOM_BENCH_CPU_PROF=<dir> writes a CPU profile of the engine there.
 */
export const api: Benchmark = {
  name: 'api',
  async run(context) {
    const build = await ensureEngineBuilt((message) => {
      context.log(message);
    });
    if (build.reason !== undefined) context.log(`engine built in ${build.seconds.toFixed(0)} s`);
    const profileDir = process.env['LOOM_BENCH_CPU_PROF'];
    const engine = await startBenchEngine({
      main: build.main,
      env: engineEnv,
      cpuProfileDir: profileDir ? resolve(profileDir) : undefined,
    });
    const channels: ApiChannel[] = [];
    try {
      const token = await mintPortalToken(engine.signingKey, 'bench-portal');
      channels.push(...openApiChannels(engine.address, token, channelCount));
      const workload = new VpcWorkload(channels);
      await workload.createTenant();
      const series = await measureApi(context, engine, workload);
      return series.flatMap(seriesMetrics);
    } finally {
      for (const channel of channels) channel.close();
      await engine.stop();
      if (profileDir) context.log(`engine CPU profile in ${resolve(profileDir)}`);
    }
  },
};

async function measureApi(
  context: BenchContext,
  engine: BenchEngine,
  workload: VpcWorkload,
): Promise<ApiSeries[]> {
  const settleMs = context.settings.warmupMs / 2;
  const measureMs = context.settings.durationMs;
  const runStep = async (
    rate: number,
    send: (sequence: number) => Promise<void>,
  ): Promise<ApiStep> => {
    // The client's own full collection now rather than inside the window: a 36 ms pause of the
    // client once made a GetVpc step's p99 (every request in flight waits for it).
    collectGarbage();
    const metricsBefore = await scrapeEngineMetrics(engine.metricsUrl);
    const client = monitorClientLoop();
    const before = sampleTreeCpu(engine.pid);
    const started = performance.now();
    const result = await runOpenLoop({
      rate,
      settleMs,
      measureMs,
      maxBacklogMs: 1_000,
      send,
      classify: errorCode,
    });
    const after = sampleTreeCpu(engine.pid);
    const seconds = (performance.now() - started) / 1_000;
    const clientLoop = client.stop();
    const metricsAfter = await scrapeEngineMetrics(engine.metricsUrl);
    const cores = (pick: (cpu: NonNullable<typeof after>) => number): number | undefined =>
      before && after ? (pick(after) - pick(before)) / seconds : undefined;
    return {
      ...result,
      engineCores: cores((cpu) => cpu.process),
      postgresCores: cores((cpu) => cpu.descendants),
      loadAverage: loadAverage(),
      engineLoop:
        metricsBefore && metricsAfter ? engineLoopFigures(metricsBefore, metricsAfter) : undefined,
      clientLoop,
    };
  };
  const ramp = async (
    key: string,
    method: string,
    unit: string,
    send: (sequence: number) => Promise<void>,
  ): Promise<ApiSeries> => {
    const steps: ApiStep[] = [];
    for (const rate of ladder) {
      const step = await runStep(rate, send);
      context.log(`api ${method} ${describeStep(step)}`);
      steps.push(step);
      if (stopRising(step)) break;
    }
    const conditions = { channels: channelCount, settleMs, measureMs, callDeadlineMs };
    return { key, method, unit, steps, ladderTop: ladder.at(-1) ?? 0, conditions };
  };

  // Warm-up (the engine's JIT, its caches, the connections) at the lowest rate, not counted.
  for (const [method, send] of [
    ['CreateVpc', workload.create],
    ['GetVpc', workload.get],
  ] as const) {
    const warmup = await runOpenLoop({
      rate: ladder[0] ?? 25,
      settleMs: 0,
      measureMs: context.settings.warmupMs,
      maxBacklogMs: 10_000,
      send,
      classify: errorCode,
    });
    if (warmup.failed > 0) {
      throw new Error(
        `api warm-up: ${warmup.failed} ${method} calls failed ${JSON.stringify(warmup.errors)}`,
      );
    }
  }
  const creates = await ramp('create', 'CreateVpc', 'creates/s', workload.create);
  // The last create step may have left the projections behind: Gets would wait for them.
  const quietAfter = await waitUntilQuiet(engine.pid);
  context.log(`api: engine quiet ${quietAfter.toFixed(1)} s after the creates`);
  const gets = await ramp('get', 'GetVpc', 'gets/s', workload.get);
  context.log(`api: ${workload.vpcCount()} VPCs created in all`);
  return [creates, gets];
}

/** Waits (at most 60 s) until the engine and its PostgreSQL use less than a quarter of a core. */
async function waitUntilQuiet(pid: number): Promise<number> {
  const started = performance.now();
  let before = sampleTreeCpu(pid);
  while (performance.now() - started < 60_000) {
    await sleep(500);
    const after = sampleTreeCpu(pid);
    if (before === undefined || after === undefined) break;
    const used = after.process + after.descendants - before.process - before.descendants;
    if (used / 0.5 < quietCores) break;
    before = after;
  }
  return (performance.now() - started) / 1_000;
}

function describeStep(step: ApiStep): string {
  const cores = (value: number | undefined): string =>
    value === undefined ? 'n/a' : value.toFixed(2);
  return (
    `${step.offered}/s: served ${step.achieved.toFixed(0)}/s, ` +
    `p50 ${step.latency.p50.toFixed(1)} ms, p99 ${step.latency.p99.toFixed(1)} ms, ` +
    `max ${step.latency.max.toFixed(0)} ms, ${step.failed} failed${step.cutShort ? ', cut short' : ''}; ` +
    `cores: client ${cores(step.clientCores)}, engine ${cores(step.engineCores)}, ` +
    `postgres ${cores(step.postgresCores)}; load average ${step.loadAverage}; ` +
    describeLoops(step)
  );
}

function describeLoops(step: ApiStep): string {
  const client =
    `client loop p99 ${step.clientLoop.clientLoopDelayP99Ms.toFixed(1)} ms ` +
    `max ${step.clientLoop.clientLoopDelayMaxMs.toFixed(0)} ms, ` +
    `GC max ${step.clientLoop.clientGcMaxMs.toFixed(1)} ms`;
  const engine = step.engineLoop;
  if (engine === undefined) return `engine loop n/a; ${client}`;
  return (
    `engine loop p99 ${engine.loopDelayP99Ms.toFixed(1)} ms max ${engine.loopDelayMaxMs.toFixed(0)} ms, ` +
    `GC ${engine.gcCount} (${engine.gcTotalMs.toFixed(0)} ms, ${engine.gcMajorCount} major, ` +
    `${engine.gcOver10MsCount} over 10 ms); ${client}`
  );
}

class OperationFailedError extends Error {
  override readonly name = 'OPERATION_FAILED';
}

/**
 * VPCs of one tenant, each with a unique id and a request_id (as the portal sends, for safe
 * retries); Gets read VPCs created before, picked at random. Calls go to the channels in turn.
 */
class VpcWorkload {
  private readonly created: string[] = [];
  private nextVpc = 0;

  constructor(private readonly channels: readonly ApiChannel[]) {}

  vpcCount(): number {
    return this.created.length;
  }

  async createTenant(): Promise<void> {
    await this.channel(0).createTenant(
      {
        tenantId,
        tenant: {
          displayName: 'Bench tenant',
          quota: { vpcs: vpcQuota, subnets: 0, ports: 0, floatingIps: 0 },
        },
        requestId: randomUUID(),
      },
      callDeadlineMs,
    );
  }

  readonly create = async (sequence: number): Promise<void> => {
    const vpcId = `vpc-${this.nextVpc}`;
    this.nextVpc += 1;
    const operation = await this.channel(sequence).createVpc(
      {
        parent: `tenants/${tenantId}`,
        vpcId,
        vpc: { displayName: `Bench ${vpcId}`, cidrBlocks: ['10.0.0.0/16'] },
        requestId: randomUUID(),
      },
      callDeadlineMs,
    );
    if (!operation.done || operation.error !== null) {
      throw new OperationFailedError(`${operation.name}: ${JSON.stringify(operation.error)}`);
    }
    this.created.push(operation.target);
  };

  readonly get = async (sequence: number): Promise<void> => {
    const name = this.created[Math.floor(Math.random() * this.created.length)];
    if (name === undefined) throw new Error('no VPC created to get');
    const vpc = await this.channel(sequence).getVpc({ name }, callDeadlineMs);
    if (vpc.name !== name) throw new Error(`GetVpc ${name} answered ${vpc.name}`);
  };

  private channel(sequence: number): ApiChannel {
    const channel = this.channels[sequence % this.channels.length];
    if (channel === undefined) throw new Error('no channel');
    return channel;
  }
}
