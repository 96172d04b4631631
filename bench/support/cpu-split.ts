import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Linux reports process times in clock ticks of 1/100 s (USER_HZ). */
const ticksPerSecond = 100;

/** CPU seconds used so far by this Node process and by its descendants (the bench's PostgreSQL). */
export interface CpuSample {
  readonly node: number;
  /** Undefined off Linux. Includes descendants that ended and were waited for. */
  readonly postgres: number | undefined;
  readonly at: number;
}

/** Cores used between two samples, by this process and by its PostgreSQL server. */
export interface CpuSplit {
  readonly nodeCores: number;
  readonly postgresCores: number | undefined;
}

export function sampleCpu(): CpuSample {
  const { user, system } = process.cpuUsage();
  return { node: (user + system) / 1e6, postgres: descendantSeconds(), at: performance.now() };
}

export function cpuBetween(before: CpuSample, after: CpuSample): CpuSplit {
  const seconds = (after.at - before.at) / 1_000;
  return {
    nodeCores: (after.node - before.node) / seconds,
    postgresCores:
      before.postgres === undefined || after.postgres === undefined
        ? undefined
        : (after.postgres - before.postgres) / seconds,
  };
}

function descendantSeconds(): number | undefined {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const children = new Map<number, number[]>();
  const own = new Map<number, number>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(name);
    if (stat === undefined) continue;
    const pid = Number(name);
    own.set(pid, stat.seconds + stat.reaped);
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  let total = 0;
  const pending = [...(children.get(process.pid) ?? [])];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    total += own.get(pid) ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

function readStat(pid: string): { ppid: number; seconds: number; reaped: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ... utime stime cutime cstime ...": comm may hold spaces and ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (index: number): number => Number(fields[index] ?? Number.NaN);
  const stat = {
    ppid: field(1),
    seconds: (field(11) + field(12)) / ticksPerSecond,
    reaped: (field(13) + field(14)) / ticksPerSecond,
  };
  return Object.values(stat).every(Number.isFinite) ? stat : undefined;
}
