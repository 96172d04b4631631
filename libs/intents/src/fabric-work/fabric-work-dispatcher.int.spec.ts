import { randomUUID } from 'node:crypto';
import type { JsonValue, RecordedEvent } from '@loom/event-store';
import { openTestEventStore, type TestEventStore } from '../../../../test/support/test-event-store';
import {
  startFabricWorkDispatcher,
  type EventReaction,
  type SagaStarter,
} from './fabric-work-dispatcher';
import { fabricWorkStream } from './fabric-work.decider';

const ended = (saga: string): { stream: string; type: string } => ({
  stream: `saga-${saga}`,
  type: 'SagaCompleted',
});

/** A reaction as slow as recording a port's outcome under load, that counts how many run at once. */
function slowReaction(ms: number): EventReaction & { handled: string[]; mostAtOnce: number } {
  let running = 0;
  const reaction = {
    handled: [] as string[],
    mostAtOnce: 0,
    filter: { streamPrefixes: ['saga-'], eventTypes: ['SagaCompleted'] },
    handle: async (event: RecordedEvent): Promise<void> => {
      running += 1;
      reaction.mostAtOnce = Math.max(reaction.mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      reaction.handled.push(event.stream);
      running -= 1;
    },
  };
  return reaction;
}

function recordingStarter(): SagaStarter & { started: string[]; at: number[] } {
  const starter = {
    started: [] as string[],
    at: [] as number[],
    start: (_type: string, sagaId: string): Promise<void> => {
      starter.started.push(sagaId);
      starter.at.push(Date.now());
      return Promise.resolve();
    },
  };
  return starter;
}

async function waitUntil(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the fabric work dispatcher', () => {
  let postgres: TestEventStore;

  beforeEach(async () => {
    postgres = await openTestEventStore({ pollIntervalMs: 20 });
  });
  afterEach(async () => {
    await postgres.close();
  });

  async function append(events: readonly { stream: string; type: string }[]): Promise<void> {
    for (const { stream, type } of events) {
      const data: Record<string, JsonValue> =
        type === 'FabricWorkRequested'
          ? { sagaType: 'test', sagaId: stream, resourceKey: 'leaf/a', input: {} }
          : {};
      await postgres.store.append(stream, [{ id: randomUUID(), type, data }], 'any');
    }
  }

  it('starts a saga without waiting behind the outcomes of the sagas before it', async () => {
    // 60 sagas ended whose outcomes were not recorded yet (an engine stopped behind), then a request.
    const sagas = Array.from({ length: 60 }, (_, index) => `old-${index}`);
    await append(sagas.map(ended));
    await append([{ stream: fabricWorkStream('new'), type: 'FabricWorkRequested' }]);
    const reaction = slowReaction(50);
    const starter = recordingStarter();
    const begun = Date.now();
    const dispatcher = startFabricWorkDispatcher({
      store: postgres.store,
      sagas: starter,
      reactions: [reaction],
    });
    await waitUntil(() => starter.started.length === 1 && reaction.handled.length === 60);
    const allHandled = Date.now() - begun;
    await dispatcher.stop();

    // One after another, the outcomes alone would take 3 s before the start.
    expect(starter.at[0]! - begun).toBeLessThan(1_500);
    expect(reaction.mostAtOnce).toBeGreaterThan(1);
    expect(allHandled).toBeLessThan(2_500);
    expect(new Set(reaction.handled)).toEqual(new Set(sagas.map((saga) => `saga-${saga}`)));
  });

  it('resumes both from their checkpoints; the outcomes from the starts one where they have none', async () => {
    await append([
      ended('before'),
      { stream: fabricWorkStream('one'), type: 'FabricWorkRequested' },
    ]);
    // The checkpoint of a dispatcher whose reactions had none of their own: past `before`'s end.
    const { rows } = await postgres.database.pool.query<{ position: string }>(
      `SELECT max(global_position)::text AS position FROM event_store.events`,
    );
    await postgres.store.checkpoints.save('fabric-work', BigInt(rows[0]!.position));
    await append([
      ended('after'),
      { stream: fabricWorkStream('two'), type: 'FabricWorkRequested' },
    ]);

    const starter = recordingStarter();
    const reaction = slowReaction(1);
    let dispatcher = startFabricWorkDispatcher({
      store: postgres.store,
      sagas: starter,
      reactions: [reaction],
    });
    await waitUntil(() => starter.started.length === 1 && reaction.handled.length === 1);
    await dispatcher.stop();
    expect(starter.started).toEqual([fabricWorkStream('two')]);
    expect(reaction.handled).toEqual(['saga-after']);

    await append([
      ended('later'),
      { stream: fabricWorkStream('three'), type: 'FabricWorkRequested' },
    ]);
    dispatcher = startFabricWorkDispatcher({
      store: postgres.store,
      sagas: starter,
      reactions: [reaction],
    });
    await waitUntil(() => starter.started.length === 2 && reaction.handled.length === 2);
    await dispatcher.stop();
    expect(starter.started).toEqual([fabricWorkStream('two'), fabricWorkStream('three')]);
    expect(reaction.handled).toEqual(['saga-after', 'saga-later']);
  });
});
