import { performance } from 'node:perf_hooks';

export interface OpenLoopStep {
  /** Requests per second offered, at fixed intervals whatever the answers. */
  readonly rate: number;
  /** Sent first, at the same rate, but not counted: the queues reach their level. */
  readonly settleMs: number;
  /** Requests scheduled in this window are the ones counted. */
  readonly measureMs: number;
  /**
   * Overload guard: when more requests than this many milliseconds of the offered rate are
   * waiting for an answer, nothing more is sent and the step ends early (`cutShort`).
   */
  readonly maxBacklogMs: number;
  /** Sends request number `sequence`; rejects when the call fails. */
  send(sequence: number): Promise<void>;
  /** The name of a failure, e.g. its gRPC status. */
  classify(error: unknown): string;
}

export interface OpenLoopResult {
  readonly offered: number;
  /** Successful counted requests per second, from the window's start to the last answer. */
  readonly achieved: number;
  /** Counted requests sent (fewer than offered when cut short). */
  readonly sent: number;
  readonly succeeded: number;
  /** Failures by name. */
  readonly errors: Readonly<Record<string, number>>;
  readonly failed: number;
  /** Milliseconds from each counted request's scheduled start to its answer, failures included. */
  readonly latency: LatencySummary;
  readonly cutShort: boolean;
  /** This process's CPU time over the step, in cores (1 = one core busy all the time). */
  readonly clientCores: number;
  /** Wall time of the whole step: settle, window and the last answers. */
  readonly seconds: number;
}

export interface LatencySummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Sends requests at a fixed rate without waiting for answers (open loop), so a slow server
 * cannot slow the client down and hide its own queueing: each latency counts from the moment the
 * request was due, not from when it was sent (no coordinated omission).
 */
export function runOpenLoop(step: OpenLoopStep): Promise<OpenLoopResult> {
  const intervalMs = 1_000 / step.rate;
  const settleCount = Math.round((step.rate * step.settleMs) / 1_000);
  const total = settleCount + Math.round((step.rate * step.measureMs) / 1_000);
  const backlogLimit = Math.max(1, Math.round((step.rate * step.maxBacklogMs) / 1_000));
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const state = { next: 0, outstanding: 0, succeeded: 0, lastAnswer: 0, cutShort: false };
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const windowStart = start + settleCount * intervalMs;

  return new Promise((resolve) => {
    const finish = (): void => {
      const end = performance.now();
      const cpu = process.cpuUsage(cpuBefore);
      const sent = Math.max(0, state.next - settleCount);
      const answeredWithinMs = Math.max(state.lastAnswer - windowStart, 1);
      resolve({
        offered: step.rate,
        achieved: sent === 0 ? 0 : (state.succeeded * 1_000) / answeredWithinMs,
        sent,
        succeeded: state.succeeded,
        errors,
        failed: sent - state.succeeded,
        latency: summarize(latencies),
        cutShort: state.cutShort,
        clientCores: (cpu.user + cpu.system) / 1_000 / (end - start),
        seconds: (end - start) / 1_000,
      });
    };
    const answered = (due: number, counted: boolean, error: unknown): void => {
      const now = performance.now();
      state.outstanding -= 1;
      if (counted) {
        latencies.push(now - due);
        state.lastAnswer = now;
        if (error === undefined) state.succeeded += 1;
        else {
          const name = step.classify(error);
          errors[name] = (errors[name] ?? 0) + 1;
        }
      }
      if (state.outstanding === 0 && (state.next === total || state.cutShort)) finish();
    };
    const issue = (sequence: number, due: number): void => {
      const counted = sequence >= settleCount;
      state.outstanding += 1;
      step.send(sequence).then(
        () => {
          answered(due, counted, undefined);
        },
        (error: unknown) => {
          answered(due, counted, error ?? new Error('rejected'));
        },
      );
    };
    const tick = (): void => {
      const now = performance.now();
      while (state.next < total && start + state.next * intervalMs <= now) {
        if (state.outstanding >= backlogLimit) {
          // The answers still due end the step (backlogLimit >= 1).
          state.cutShort = true;
          return;
        }
        issue(state.next, start + state.next * intervalMs);
        state.next += 1;
      }
      if (state.next < total) {
        setTimeout(tick, Math.max(0, start + state.next * intervalMs - performance.now()));
      } else if (state.outstanding === 0) finish();
    };
    tick();
  });
}

/** Nearest-rank percentiles. */
export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (fraction: number): number =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ??
    Number.NaN;
  return { p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), max: sorted.at(-1) ?? Number.NaN };
}
