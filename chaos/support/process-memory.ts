import { readFileSync } from 'node:fs';

/** A process's resident memory in MiB (Linux /proc), as `ps` would show it. */
export function residentMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  const kib = Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN);
  return Math.round(kib / 1024);
}
