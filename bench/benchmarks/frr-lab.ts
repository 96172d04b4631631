import { chmodSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { errorCode, mintPortalToken } from '../support/api-client';
import { startBenchEngine, type BenchEngine } from '../support/bench-engine';
import { ensureEngineBuilt } from '../support/engine-build';
import { LabCloud, subnetA, subnetB, type PortPlacement } from '../support/frr-lab-cloud';
import {
  buildLab,
  firstReply,
  frrLabMissing,
  labDaemonCpuSeconds,
  labHostNamespace,
  plugVm,
  removeLab,
  removeLabNow,
  type LabManifest,
} from '../support/frr-lab-host';
import { openLoomCalls, type LoomCalls } from '../support/grpc-calls';
import { loadAverage } from '../support/machine';
import { underLimit, againstTarget, type Metric } from '../support/metric';
import { summarize, type LatencySummary } from '../support/open-loop';
import { sampleTreeCpu } from '../support/process-cpu';
import type { Benchmark, BenchContext } from './benchmark';

/** The 6-leaf lab: 2 spines, leaf1-leaf6 with swp1-swp16 each (bench/README.md, "FRR lab"). */
const leaves = ['leaf1', 'leaf2', 'leaf3', 'leaf4', 'leaf5', 'leaf6'] as const;
const topology = {
  devices: [
    { name: 'spine1', role: 'spine', loopback: '10.254.0.101', asn: 65100, interfaces: ['swp1'] },
    { name: 'spine2', role: 'spine', loopback: '10.254.0.102', asn: 65100, interfaces: ['swp1'] },
    ...leaves.map((name, index) => ({
      name,
      role: 'leaf',
      loopback: `10.254.0.${index + 1}`,
      asn: 65101 + index,
      interfaces: ['swp[1-16]'],
    })),
  ],
} as const;
/** Ports measured one at a time, CreatePort to the first ping answered (swp2-swp6 of each leaf). */
const measuredPorts = 30;
/** Ports created at once, 10 a leaf (swp7-swp16), until all are ACTIVE. */
const burstPorts = 60;
/** A ping answered within this after CreatePort, or the port counts as not reached. */
const pingDeadlineSeconds = 20;
/** The measured ports stop early past this after the first (5 s a port; about 2 s at load 10). */
const measureBudgetMs = 150_000;
/**
 * Neutron Rally's create-and-delete-ports: a median 8.5 s for an iteration of 10 ports (OpenStack
 * performance-docs, runs with neutron-l3-agent restarts; quoted, not measured here).
 */
const rallySeconds = 8.5;
const rallyPorts = 10;
const rallyLabel = `Neutron Rally create-and-delete-ports, ${rallyPorts} ports in ${rallySeconds} s median (quoted)`;

interface Timeline {
  readonly replyMs: number;
  readonly activeMs: number;
  readonly plugMs: number;
  /** NaN: no answer within the deadline. */
  readonly pingMs: number;
}

interface Burst {
  readonly ports: number;
  readonly seconds: number;
  readonly perMinute: number;
  readonly statuses: Record<string, number>;
  /** CPU seconds a port: the engine with its PostgreSQL and commands (and the FRR daemons). */
  readonly cpuPerPort: CpuPerPort;
}

/**
 * CPU seconds used so far: the engine with its descendants (its PostgreSQL, and the ip, vtysh and
 * nsenter commands it ran and waited for) and the lab's FRR daemons.
 */
type CpuMeter = () => CpuPerPort;

interface CpuPerPort {
  readonly engine: number;
  /** 0 on the simulated fabric. */
  readonly frr: number;
}

interface LabFigures {
  readonly timelines: Timeline[];
  /** From the first measured CreatePort to the 10th port's first ping, one after another. */
  readonly tenPortsSeconds: number;
  readonly measuredCpuPerPort: CpuPerPort;
  readonly burst: Burst;
  /** Of the ports measured one at a time. */
  readonly problems: string[];
  /** Of the ports created at once. */
  readonly burstProblems: string[];
  readonly loadAverage: number;
}

/**
 * The FRR lab: ports provisioned through the engine's gRPC API onto FRRouting leaves in network
 * namespaces, timed to the first ping answered between VMs of two leaves, and ports per minute
 * beside the simulated fabric's (bench/README.md, "FRR lab"). Root and FRR only: otherwise a
 * skipped row.
 */
export const frrLab: Benchmark = {
  name: 'frr-lab',
  async run(context) {
    const missing = frrLabMissing();
    if (missing.length > 0) {
      if (process.env['LOOM_REQUIRE_FRR'] === '1') {
        throw new Error(`LOOM_REQUIRE_FRR=1 but the FRR lab cannot run: ${missing.join('; ')}`);
      }
      context.log(`frr-lab: SKIPPED (${missing.join('; ')})`);
      return [skipped(missing)];
    }
    const started = performance.now();
    const build = await ensureEngineBuilt((message) => {
      context.log(message);
    });
    // The frr user must enter the lab directory: a world-searchable one of its own.
    const workDir = await mkdtemp(join(tmpdir(), 'loom-bench-frr-'));
    chmodSync(workDir, 0o755);
    const labDir = join(workDir, 'lab');
    const topologyFile = join(workDir, 'topology.json');
    await writeFile(topologyFile, JSON.stringify(topology));
    const enginePids: number[] = [];
    // Ctrl-C or a crash: the engine, the lab's daemons and namespaces, the directory.
    const removeAtExit = (): void => {
      removeLabNow(labDir, enginePids);
      rmSync(workDir, { recursive: true, force: true });
    };
    process.once('exit', removeAtExit);
    let lab: LabFigures;
    let simulated: Burst;
    try {
      const built = await buildLab(topologyFile, labDir);
      context.log(
        `frr-lab: lab of 2 spines and 6 leaves up in ${built.seconds.toFixed(1)} s; ` +
          `load average ${loadAverage()}`,
      );
      lab = await withEngine(
        context,
        build.main,
        enginePids,
        { LOOM_FABRIC: 'frr-lab', LOOM_FABRIC_LAB_DIR: labDir, LOOM_FABRIC_TOPOLOGY: topologyFile },
        built.manifest,
        (cloud, cpu) => measureLab(context, cloud, built.manifest, cpu),
      );
      const removing = performance.now();
      await removeLab(labDir);
      context.log(
        `frr-lab: lab removed in ${((performance.now() - removing) / 1_000).toFixed(1)} s`,
      );
      simulated = await withEngine(
        context,
        build.main,
        enginePids,
        { LOOM_FABRIC: 'simulated', LOOM_FABRIC_TOPOLOGY: topologyFile },
        undefined,
        async (cloud, cpu) => {
          await prepare(cloud);
          return createAtOnce(cloud, cpu);
        },
      );
    } finally {
      await removeLab(labDir).catch((error: unknown) => {
        context.log(`frr-lab: removing the lab failed: ${String(error)}`);
      });
      removeLabNow(labDir, []);
      await rm(workDir, { recursive: true, force: true });
      process.off('exit', removeAtExit);
    }
    const seconds = (performance.now() - started) / 1_000;
    context.log(
      `frr-lab: simulated fabric ${simulated.ports} ports at once in ${simulated.seconds.toFixed(1)} s ` +
        `(${simulated.perMinute.toFixed(0)}/min), CPU a port ${describeCpu(simulated.cpuPerPort)}; ` +
        `${seconds.toFixed(0)} s in all; load average ${loadAverage()}`,
    );
    return labMetrics(lab, simulated, seconds);
  },
};

async function withEngine<T>(
  context: BenchContext,
  main: string,
  enginePids: number[],
  env: Record<string, string>,
  manifest: LabManifest | undefined,
  work: (cloud: LabCloud, cpu: CpuMeter) => Promise<T>,
): Promise<T> {
  const engine: BenchEngine = await startBenchEngine({
    main,
    env: { ...env, LOOM_DASHBOARD: 'off', LOOM_LOG_LEVEL: 'warn' },
  });
  enginePids.push(engine.pid);
  let calls: LoomCalls | undefined;
  try {
    calls = openLoomCalls(engine.address, await mintPortalToken(engine.signingKey, 'bench-frr'), 4);
    const meter: CpuMeter = () => {
      const tree = sampleTreeCpu(engine.pid);
      return {
        engine: tree === undefined ? Number.NaN : tree.process + tree.descendants,
        frr: manifest === undefined ? 0 : labDaemonCpuSeconds(manifest),
      };
    };
    return await work(new LabCloud(calls), meter);
  } finally {
    calls?.close();
    await engine.stop();
    enginePids.splice(enginePids.indexOf(engine.pid), 1);
    const lines = engine.output().trim().split('\n').filter(Boolean);
    if (lines.length > 0) {
      context.log(
        `frr-lab: the engine (${env['LOOM_FABRIC'] ?? ''}) logged ${lines.length} lines, the last:`,
      );
      for (const line of lines.slice(-3)) context.log(`  ${line.slice(0, 400)}`);
    }
  }
}

/** A VM on each leaf's swp1 (subnet a), ACTIVE: the VMs that ping. Answers their addresses. */
async function prepare(cloud: LabCloud): Promise<PortPlacement[]> {
  await cloud.createNetwork();
  const placements = leaves.map((leaf, index) => ({
    subnet: subnetA,
    portId: `vm-${leaf}`,
    leaf,
    iface: 'swp1',
    fixedIp: `10.0.1.${10 + index}`,
  }));
  await Promise.all(
    placements.map(async (placement) => cloud.waitDone(await cloud.createPort(placement))),
  );
  return placements;
}

async function measureLab(
  context: BenchContext,
  cloud: LabCloud,
  manifest: LabManifest,
  cpu: CpuMeter,
): Promise<LabFigures> {
  const problems: string[] = [];
  const pingers = await prepare(cloud);
  for (const vm of pingers) {
    const namespace = labHostNamespace(manifest, vm.leaf, vm.iface);
    await plugVm(namespace, `${vm.fixedIp ?? ''}/24`, 10_000, 'pinger');
  }
  const timelines: Timeline[] = [];
  let tenPortsSeconds = Number.NaN;
  const firstSent = performance.now();
  const cpuBefore = cpu();
  for (let index = 0; index < measuredPorts; index += 1) {
    if (performance.now() - firstSent > measureBudgetMs) {
      problems.push(
        `only ${index} of ${measuredPorts} ports measured within ${measureBudgetMs / 1_000} s`,
      );
      break;
    }
    const leafIndex = index % leaves.length;
    const placement: PortPlacement = {
      subnet: subnetA,
      portId: `m${index}`,
      leaf: leaves[leafIndex] ?? 'leaf1',
      iface: `swp${2 + Math.floor(index / leaves.length)}`,
      fixedIp: `10.0.1.${100 + index}`,
    };
    // Pinged from the VM of the next leaf.
    const pinger = pingers[(leafIndex + 1) % leaves.length];
    if (pinger === undefined) throw new Error('no pinging VM');
    try {
      const timeline = await measurePort(cloud, manifest, placement, pinger);
      timelines.push(timeline);
      if (Number.isNaN(timeline.pingMs)) {
        problems.push(`${placement.portId}: no ping answered within ${pingDeadlineSeconds} s`);
      }
    } catch (error) {
      problems.push(`${placement.portId}: ${errorCode(error)} ${String(error).slice(0, 200)}`);
    }
    if (index === 9) tenPortsSeconds = (performance.now() - firstSent) / 1_000;
  }
  const measuredCpuPerPort = perPort(cpuBefore, cpu(), timelines.length);
  const ping = summarize(timelines.map((each) => each.pingMs).filter((ms) => !Number.isNaN(ms)));
  const active = summarize(timelines.map((each) => each.activeMs));
  context.log(
    `frr-lab: ${timelines.length} ports one at a time: first ping p50 ${ping.p50.toFixed(0)} ms, ` +
      `p99 ${ping.p99.toFixed(0)} ms; ACTIVE p50 ${active.p50.toFixed(0)} ms, p99 ${active.p99.toFixed(0)} ms; ` +
      `CPU a port ${describeCpu(measuredCpuPerPort)}; load average ${loadAverage()}`,
  );
  const burst = await createAtOnce(cloud, cpu);
  context.log(
    `frr-lab: ${burst.ports} ports at once ACTIVE in ${burst.seconds.toFixed(1)} s ` +
      `(${burst.perMinute.toFixed(0)}/min), CPU a port ${describeCpu(burst.cpuPerPort)}; ` +
      `load average ${loadAverage()}`,
  );
  const burstProblems =
    (burst.statuses['ACTIVE'] ?? 0) === burst.ports
      ? []
      : [`ports by status: ${JSON.stringify(burst.statuses)}`];
  return {
    timelines,
    tenPortsSeconds,
    measuredCpuPerPort,
    burst,
    problems,
    burstProblems,
    loadAverage: loadAverage(),
  };
}

/**
 * One port, timed from its CreatePort: the reply, its VM's NIC plugged (the bench gives it its
 * address then), the operation done (ACTIVE), and the first ping answered from a VM on another
 * leaf, sent every 50 ms from the moment CreatePort is sent.
 */
async function measurePort(
  cloud: LabCloud,
  manifest: LabManifest,
  placement: PortPlacement,
  pinger: PortPlacement,
): Promise<Timeline> {
  const vm = labHostNamespace(manifest, placement.leaf, placement.iface);
  const from = labHostNamespace(manifest, pinger.leaf, pinger.iface);
  const sent = performance.now();
  const pinged = firstReply(from, placement.fixedIp ?? '', pingDeadlineSeconds);
  const plugged = plugVm(
    vm,
    `${placement.fixedIp ?? ''}/24`,
    pingDeadlineSeconds * 1_000,
    'pinged',
  ).then(() => performance.now());
  // Settled whatever happens, so that no rejection goes unhandled while the create fails.
  plugged.catch(() => undefined);
  const operation = await cloud.createPort(placement);
  const replied = performance.now();
  await cloud.waitDone(operation, 60);
  const active = performance.now();
  const [pluggedAt, answeredAt] = await Promise.all([plugged, pinged]);
  return {
    replyMs: replied - sent,
    activeMs: active - sent,
    plugMs: pluggedAt - sent,
    pingMs: answeredAt === undefined ? Number.NaN : answeredAt - sent,
  };
}

/** 60 CreatePort calls at once (10 on each leaf, subnet b), timed until every one is done. */
async function createAtOnce(cloud: LabCloud, cpu: CpuMeter): Promise<Burst> {
  const placements = Array.from({ length: burstPorts }, (_, index) => ({
    subnet: subnetB,
    portId: `b${index}`,
    leaf: leaves[index % leaves.length] ?? 'leaf1',
    iface: `swp${7 + Math.floor(index / leaves.length)}`,
  }));
  const started = performance.now();
  const cpuBefore = cpu();
  await Promise.all(
    placements.map(async (placement) => cloud.waitDone(await cloud.createPort(placement), 180)),
  );
  const seconds = (performance.now() - started) / 1_000;
  return {
    ports: burstPorts,
    seconds,
    perMinute: (burstPorts * 60) / seconds,
    statuses: await cloud.statuses(subnetB),
    cpuPerPort: perPort(cpuBefore, cpu(), burstPorts),
  };
}

function perPort(before: CpuPerPort, after: CpuPerPort, ports: number): CpuPerPort {
  return {
    engine: (after.engine - before.engine) / ports,
    frr: (after.frr - before.frr) / ports,
  };
}

function describeCpu(cpu: CpuPerPort): string {
  return `${(cpu.engine * 1_000).toFixed(0)} ms engine, ${(cpu.frr * 1_000).toFixed(0)} ms FRR`;
}

function labMetrics(lab: LabFigures, simulated: Burst, seconds: number): Metric[] {
  const pings = lab.timelines.map((each) => each.pingMs).filter((ms) => !Number.isNaN(ms));
  const ping = summarize(pings);
  const reply = summarize(lab.timelines.map((each) => each.replyMs));
  const active = summarize(lab.timelines.map((each) => each.activeMs));
  const plug = summarize(lab.timelines.map((each) => each.plugMs));
  const problem = describeProblems(lab.problems);
  const common = {
    ports: lab.timelines.length,
    answered: pings.length,
    loadAverage: lab.loadAverage,
    durationSeconds: Math.round(seconds),
    engineCpuMsPerPort: round(lab.measuredCpuPerPort.engine * 1_000),
    frrCpuMsPerPort: round(lab.measuredCpuPerPort.frr * 1_000),
  };
  const latency = (name: string, value: number, summaries: Record<string, LatencySummary>) =>
    underLimit(
      {
        key: `frr-lab.create-to-ping.${name}`,
        label: `FRR lab, 6 leaves: CreatePort to first ping from another leaf, ${name}`,
        value,
        unit: 'ms',
        problem,
        details: {
          ...common,
          ...Object.fromEntries(
            Object.entries(summaries).flatMap(([what, summary]) => [
              [`${what}P50Ms`, round(summary.p50)],
              [`${what}P99Ms`, round(summary.p99)],
            ]),
          ),
        },
      },
      (rallySeconds * 1_000) / rallyPorts,
      `ms a port: ${rallyLabel}`,
    );
  const summaries = { reply, active, vmPlugged: plug, ping };
  const rallyPerMinute = (rallyPorts * 60) / rallySeconds;
  return [
    latency('p50', ping.p50, summaries),
    latency('p99', ping.p99, summaries),
    underLimit(
      {
        key: 'frr-lab.ten-ports-to-ping',
        label: 'FRR lab: 10 ports one after another, CreatePort to first ping',
        value: lab.tenPortsSeconds,
        unit: 's',
        problem,
        details: common,
      },
      rallySeconds,
      rallyLabel,
    ),
    againstTarget(
      {
        key: 'frr-lab.ports-per-minute',
        label: `FRR lab, 6 leaves: ${lab.burst.ports} ports created at once, to ACTIVE`,
        value: lab.burst.perMinute,
        unit: 'ports/min',
        problem: describeProblems(lab.burstProblems),
        details: {
          ...common,
          seconds: round(lab.burst.seconds),
          simulatedPerMinute: round(simulated.perMinute),
          ratioToSimulated: Math.round((lab.burst.perMinute / simulated.perMinute) * 100) / 100,
          burstEngineCpuMsPerPort: round(lab.burst.cpuPerPort.engine * 1_000),
          burstFrrCpuMsPerPort: round(lab.burst.cpuPerPort.frr * 1_000),
        },
      },
      rallyPerMinute,
      rallyLabel,
    ),
    againstTarget(
      {
        key: 'frr-lab.simulated-ports-per-minute',
        label: `simulated fabric, same 6 leaves: ${simulated.ports} ports at once, to ACTIVE`,
        value: simulated.perMinute,
        unit: 'ports/min',
        problem:
          (simulated.statuses['ACTIVE'] ?? 0) === simulated.ports
            ? undefined
            : `ports by status: ${JSON.stringify(simulated.statuses)}`,
        details: {
          seconds: round(simulated.seconds),
          engineCpuMsPerPort: round(simulated.cpuPerPort.engine * 1_000),
          loadAverage: loadAverage(),
        },
      },
      rallyPerMinute,
      rallyLabel,
    ),
  ];
}

function skipped(missing: readonly string[]): Metric {
  return underLimit(
    {
      key: 'frr-lab.skipped',
      label: `FRR lab: SKIPPED, not measured (${missing.join('; ')})`,
      value: 0,
      unit: 'runs',
      details: { skipped: missing.join('; ') },
    },
    1,
    'skipped: needs root and FRR',
  );
}

/** At most the first 3, with how many there were. */
function describeProblems(problems: readonly string[]): string | undefined {
  if (problems.length === 0) return undefined;
  const shown = problems.slice(0, 3).join('; ');
  return problems.length > 3 ? `${problems.length} problems, the first 3: ${shown}` : shown;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
