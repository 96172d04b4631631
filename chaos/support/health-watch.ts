import { grpcHealthOf } from '../../test/support/engine-health';
import type { ChaosCluster } from './cluster';
import { sleep } from './random';

/** Samples every engine's gRPC health while an outage runs: what each reported, in order. */
export class HealthWatch {
  private running = true;
  readonly seen = new Map<number, string[]>();
  private readonly done: Promise<void>;

  constructor(cluster: ChaosCluster, intervalMs = 250) {
    this.done = (async () => {
      while (this.running) {
        await Promise.all(
          cluster.slots.map(async (slot) => {
            const health = await grpcHealthOf(slot.address).catch(() => 'NO_ANSWER');
            const list = this.seen.get(slot.index) ?? [];
            if (list[list.length - 1] !== health) list.push(health);
            this.seen.set(slot.index, list);
          }),
        );
        await sleep(intervalMs);
      }
    })();
  }

  async stop(): Promise<Record<number, string[]>> {
    this.running = false;
    await this.done;
    return Object.fromEntries(this.seen);
  }
}
