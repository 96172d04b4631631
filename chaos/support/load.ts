import { status } from '@grpc/grpc-js';
import type { Operation } from '@loom/api-contract';
import type { LoomClients } from '../../test/support/grpc-client';
import type { ChaosCluster } from './cluster';
import { planIntent, type PlannedIntent } from './intents';
import { ambiguousCodes, type IntentLedger, type IntentRecord } from './ledger';
import { sleep } from './random';
import type { TenantView } from './tenant-view';

export interface LoadOptions {
  readonly intentsPerSecond: number;
  /** In-flight intents per client at most; arrivals beyond it are shed (counted), not queued. */
  readonly maxInFlightPerClient: number;
  /** Attempts per intent (the same request_id each time) before its outcome stays unknown. */
  readonly attempts: number;
  readonly callDeadlineMs: number;
}

/** Clients of one tenant, a portal and the tenant's own token, for each engine. */
export interface LoadClient {
  readonly view: TenantView;
  readonly byEngine: readonly { portal: LoomClients; tenant: LoomClients }[];
  inFlight: number;
}

export async function loadClients(
  cluster: ChaosCluster,
  views: TenantView[],
): Promise<LoadClient[]> {
  return Promise.all(
    views.map(async (view) => ({
      view,
      inFlight: 0,
      byEngine: await Promise.all(
        cluster.slots.map(async (slot) => ({
          portal: await cluster.clients(slot.index, 'portal'),
          tenant: await cluster.clients(slot.index, 'tenant', view.tenant),
        })),
      ),
    })),
  );
}

/**
 * An open-loop load: intents arrive at a fixed rate whatever the answers, each sent to a random
 * engine (running or not: a client does not know), retried with the same request_id on another
 * engine after an ambiguous failure, as a portal behind a load balancer would.
 */
export class OpenLoopLoad {
  private running = false;
  private readonly pending = new Set<Promise<void>>();
  shed = 0;

  constructor(
    private readonly clients: LoadClient[],
    private readonly ledger: IntentLedger,
    private readonly options: LoadOptions,
    private readonly random: () => number,
  ) {}

  start(): void {
    this.running = true;
    void this.arrivals();
  }

  /** Stops new arrivals and waits for every intent in flight to end. */
  async stop(): Promise<void> {
    this.running = false;
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async arrivals(): Promise<void> {
    const gapMs = 1_000 / this.options.intentsPerSecond;
    let next = Date.now();
    while (this.running) {
      const client = this.clients[Math.floor(this.random() * this.clients.length)];
      if (client && client.inFlight < this.options.maxInFlightPerClient) {
        const done = this.run(client, planIntent(client.view, this.random));
        this.pending.add(done);
        void done.finally(() => this.pending.delete(done));
      } else this.shed += 1;
      next += gapMs;
      await sleep(Math.max(0, next - Date.now()));
    }
  }

  private async run(client: LoadClient, intent: PlannedIntent): Promise<void> {
    client.inFlight += 1;
    const record: IntentRecord = {
      method: intent.method,
      tenant: intent.tenant,
      name: intent.name,
      requestId: intent.requestId,
      displayName: intent.displayName,
      issuedAt: Date.now(),
      answeredAt: 0,
      attempts: 0,
      outcome: 'unknown',
      code: -1,
      operation: undefined,
    };
    this.ledger.add(record);
    let ambiguousBefore = false;
    try {
      while (record.attempts < this.options.attempts) {
        record.attempts += 1;
        const engine = client.byEngine[Math.floor(this.random() * client.byEngine.length)];
        if (!engine) throw new Error('no engines');
        const clients = intent.role === 'portal' ? engine.portal : engine.tenant;
        try {
          const answer = await intent.send(clients, Date.now() + this.options.callDeadlineMs);
          record.code = status.OK;
          record.outcome = 'acked';
          const answered = (answer as Partial<Operation>).name ?? '';
          record.operation = answered.includes('/operations/') ? answered : undefined;
          intent.acked(client.view);
          return;
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          record.code = typeof code === 'number' ? code : status.UNKNOWN;
          if (!ambiguousCodes.has(record.code)) {
            // A refusal after an ambiguous attempt of a method without request_id may be the
            // earlier attempt's own effect (a delete that went through): it stays unknown.
            record.outcome =
              ambiguousBefore && intent.requestId === undefined ? 'unknown' : 'refused';
            return;
          }
          ambiguousBefore = true;
          await sleep(200 * record.attempts);
        }
      }
    } finally {
      record.answeredAt = Date.now();
      client.inFlight -= 1;
    }
  }
}
