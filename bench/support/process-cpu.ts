import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every common platform. */
const ticksPerSecond = 100;

/** CPU seconds (user + system) used so far by a process and by all its descendants. */
export interface TreeCpu {
  readonly process: number;
  /** Children, grandchildren...: for the engine, its embedded PostgreSQL server. */
  readonly descendants: number;
}

interface ProcStat {
  readonly ppid: number;
  /** Its own CPU time. */
  readonly seconds: number;
  /** Its children's that exited and were waited for (PostgreSQL's ended backends). */
  readonly reapedSeconds: number;
}

/**
 * Reads /proc once (Linux only; undefined elsewhere or when the process is gone). A descendant
 * that exited still counts once its parent has waited for it (PostgreSQL's postmaster waits for its
 * backends at once), so the sum only grows.
 */
export function sampleTreeCpu(rootPid: number): TreeCpu | undefined {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const stats = new Map<number, ProcStat>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(name);
    if (stat !== undefined) stats.set(Number(name), stat);
  }
  const root = stats.get(rootPid);
  if (root === undefined) return undefined;
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of stats) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let descendants = root.reapedSeconds;
  const pending = [...(children.get(rootPid) ?? [])];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    const stat = stats.get(pid);
    descendants += (stat?.seconds ?? 0) + (stat?.reapedSeconds ?? 0);
    pending.push(...(children.get(pid) ?? []));
  }
  return { process: root.seconds, descendants };
}

function readStat(pid: string): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ... utime stime cutime cstime ...": comm may hold spaces and ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (index: number): number => Number(fields[index] ?? Number.NaN);
  const ppid = field(1);
  const seconds = (field(11) + field(12)) / ticksPerSecond;
  const reapedSeconds = (field(13) + field(14)) / ticksPerSecond;
  return [ppid, seconds, reapedSeconds].every(Number.isFinite)
    ? { ppid, seconds, reapedSeconds }
    : undefined;
}
