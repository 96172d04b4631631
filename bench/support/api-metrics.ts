import type { EngineLoopFigures } from './engine-metrics';
import type { ClientLoopFigures } from './loop-monitor';
import { againstTarget, underLimit, type Metric } from './metric';
import type { OpenLoopResult } from './open-loop';

/** The API's goal (the issue's): 1,000 creates/s on 2 cores with a p99 under 25 ms. */
export const apiTarget = { perSecond: 1_000, p99Ms: 25 } as const;

/** A rate counts as sustained when at least this share of it was served, without errors. */
const sustainedShare = 0.95;
/** Rising stops after a step this far gone: p99 at this multiple of the limit, or worse. */
const hopelessP99Factor = 10;
const hopelessShare = 0.9;

export interface ApiStep extends OpenLoopResult {
  /** The engine process's CPU over the step, in cores (Linux only). */
  readonly engineCores: number | undefined;
  /** Its descendants' (the embedded PostgreSQL server's) CPU over the step, in cores. */
  readonly postgresCores: number | undefined;
  /** The machine's 1-minute load average at the end of the step: other work skews the numbers. */
  readonly loadAverage: number;
  /** The engine's event-loop delay and GC over the step, from its /metrics (undefined: no answer). */
  readonly engineLoop: EngineLoopFigures | undefined;
  /** The bench process's own, which sends the requests and times the answers. */
  readonly clientLoop: ClientLoopFigures;
}

export interface ApiSeries {
  /** `create` or `get`: the key segment. */
  readonly key: string;
  /** The gRPC method, for labels: `CreateVpc`. */
  readonly method: string;
  /** `creates/s`. */
  readonly unit: string;
  readonly steps: readonly ApiStep[];
  /** The highest rate the ladder offers. */
  readonly ladderTop: number;
  /** How it was measured (connections, step lengths...), kept with the results. */
  readonly conditions: Readonly<Record<string, number | string>>;
}

export function isSustained(step: OpenLoopResult): boolean {
  return (
    step.failed === 0 &&
    !step.cutShort &&
    step.achieved >= sustainedShare * step.offered &&
    step.latency.p99 < apiTarget.p99Ms
  );
}

/** Past the limit by a wide margin, or failing: higher rates would only pile up a backlog. */
export function stopRising(step: OpenLoopResult): boolean {
  return (
    step.failed > 0 ||
    step.cutShort ||
    step.achieved < hopelessShare * step.offered ||
    step.latency.p99 > hopelessP99Factor * apiTarget.p99Ms
  );
}

/** The highest sustained rate, then p50 and p99 at each rate offered. */
export function seriesMetrics(series: ApiSeries): Metric[] {
  const sustained = series.steps.filter(isSustained);
  const best = sustained.at(-1);
  const firstMiss = series.steps.find((step) => !isSustained(step));
  const limitNote =
    firstMiss === undefined && series.steps.at(-1)?.offered === series.ladderTop
      ? 'every rate offered was sustained: the limit lies higher'
      : undefined;
  const metrics: Metric[] = [
    againstTarget(
      {
        key: `api.${series.key}.max_sustained_rate`,
        label: `API ${series.method}, highest sustained rate (p99 < ${apiTarget.p99Ms} ms)`,
        value: best?.offered ?? 0,
        unit: series.unit,
        details: {
          ratesOffered: series.steps.map((step) => step.offered).join(' '),
          firstMissedRate: firstMiss?.offered ?? 'none',
          firstMissedBecause: firstMiss === undefined ? 'none' : missReasons(firstMiss).join('; '),
          ...(limitNote === undefined ? {} : { note: limitNote }),
          clientCoresAtBest: best?.clientCores ?? 'n/a',
          engineCoresAtBest: best?.engineCores ?? 'n/a',
          postgresCoresAtBest: best?.postgresCores ?? 'n/a',
          ...series.conditions,
        },
      },
      apiTarget.perSecond,
      `${series.unit} target`,
    ),
  ];
  for (const step of series.steps) {
    const at = `API ${series.method} at ${step.offered.toLocaleString('en-US')}/s`;
    const limitLabel = 'ms, limit for p99';
    metrics.push(
      underLimit(
        {
          key: `api.${series.key}.p50_ms_at_${step.offered}`,
          label: `${at}, p50`,
          value: step.latency.p50,
          unit: 'ms',
        },
        apiTarget.p99Ms,
        limitLabel,
      ),
      underLimit(
        {
          key: `api.${series.key}.p99_ms_at_${step.offered}`,
          label: `${at}, p99`,
          value: step.latency.p99,
          unit: 'ms',
          problem: stepProblem(step),
          details: stepDetails(step),
        },
        apiTarget.p99Ms,
        limitLabel,
      ),
    );
  }
  return metrics;
}

function missReasons(step: OpenLoopResult): string[] {
  const problem = stepProblem(step);
  const reasons = problem === undefined ? [] : [problem];
  if (step.latency.p99 >= apiTarget.p99Ms)
    reasons.push(`p99 ${step.latency.p99.toFixed(1)} ms >= ${apiTarget.p99Ms} ms`);
  return reasons;
}

function stepProblem(step: OpenLoopResult): string | undefined {
  const problems: string[] = [];
  const offered = `${step.offered.toLocaleString('en-US')}/s offered`;
  if (step.cutShort) {
    problems.push(
      `overloaded: stopped sending after ${step.sent.toLocaleString('en-US')} counted requests, ` +
        'with over a second of requests unanswered',
    );
  }
  if (step.failed > 0) {
    const names = Object.entries(step.errors)
      .map(([name, count]) => `${name} ${count}`)
      .join(', ');
    problems.push(`${step.failed} of ${step.sent} failed (${names})`);
  }
  if (step.achieved < sustainedShare * step.offered)
    problems.push(`served ${Math.round(step.achieved).toLocaleString('en-US')}/s of ${offered}`);
  return problems.length === 0 ? undefined : problems.join('; ');
}

function stepDetails(step: ApiStep): Record<string, number | string> {
  return {
    offeredPerSecond: step.offered,
    achievedPerSecond: step.achieved,
    sent: step.sent,
    succeeded: step.succeeded,
    failed: step.failed,
    cutShort: step.cutShort ? 'yes' : 'no',
    sustained: isSustained(step) ? 'yes' : 'no',
    p90Ms: step.latency.p90,
    maxMs: step.latency.max,
    clientCores: step.clientCores,
    engineCores: step.engineCores ?? 'n/a',
    postgresCores: step.postgresCores ?? 'n/a',
    loadAverage: step.loadAverage,
    stepSeconds: step.seconds,
    ...roundedFigures(step.engineLoop ?? {}, 'engine'),
    ...roundedFigures(step.clientLoop, ''),
  };
}

/** engineLoop's figures as `engineLoopDelayP99Ms`..., client's as they are, to 0.1. */
function roundedFigures(figures: object, prefix: string): Record<string, number> {
  const entries = Object.entries(figures as Record<string, number>).map(([name, value]) => [
    prefix === '' ? name : `${prefix}${name.charAt(0).toUpperCase()}${name.slice(1)}`,
    Math.round(value * 10) / 10,
  ]);
  return Object.fromEntries(entries) as Record<string, number>;
}
