import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import {
  PostgresEventStore,
  type EventStore,
  type JsonValue,
  type RecordedEvent,
  type StreamAppend,
} from '@loom/event-store';
import { AbortedError, ResourceExhaustedError } from '@loom/errors';
import { openTestEventStore, type TestEventStore } from '../../../test/support/test-event-store';
import { AggregateStore } from './aggregate-store';
import type { Decider, DomainEvent } from './decider';
import { EventCatalog } from './event-catalog';
import { startFabricWorkDispatcher, type SagaStarter } from './fabric-work/fabric-work-dispatcher';
import { IntentRuntime, type Intent } from './intent-runtime';

type SlotEvent = DomainEvent<'SlotClaimed' | 'SlotReleased', { owner: string }>;
type SlotCommand = { type: 'ClaimSlot' | 'ReleaseSlot'; owner: string };

/** A pool of two slots, each claimed by an owner: a claim like a quota unit or an address. */
const slots: Decider<SlotCommand, SlotEvent, readonly string[]> = {
  initialState: () => [],
  decide(command, owners) {
    const held = owners.includes(command.owner);
    if (command.type === 'ReleaseSlot') {
      return held ? [{ type: 'SlotReleased', data: { owner: command.owner } }] : [];
    }
    if (held) return [];
    if (owners.length >= 2) throw new ResourceExhaustedError('slots', 'both slots are taken');
    return [{ type: 'SlotClaimed', data: { owner: command.owner } }];
  },
  evolve: (owners, event) =>
    event.type === 'SlotClaimed'
      ? [...owners, event.data.owner]
      : owners.filter((owner) => owner !== event.data.owner),
};

const catalog = new EventCatalog({
  SlotClaimed: { current: 1 },
  SlotReleased: { current: 1 },
  RequestAccepted: { current: 1 },
  RequestSucceeded: { current: 1 },
  RequestFailed: { current: 2 },
  FabricWorkRequested: { current: 1 },
});
const context = { actor: 'test', correlationId: 'c' };
const metadata = { actor: 'test' };

/** Claims a slot of `pool` and one of `other`, then starts a saga: refused when `other` is full. */
async function claimAndStart(intent: Intent, pool: string, other: string): Promise<string> {
  const owner = intent.result;
  const release = { type: 'ReleaseSlot', owner } as const;
  await intent.execute(pool, slots, { type: 'ClaimSlot', owner }, metadata, release);
  await intent.execute(other, slots, { type: 'ClaimSlot', owner }, metadata, release);
  intent.requestFabricWork({
    sagaType: 'claim-slots',
    sagaId: owner,
    resourceKey: `pool/${pool}`,
    input: { pool, other },
  });
  return owner;
}

/** The store without its multi-stream append, as on EventStoreDB: intents go stream by stream. */
function streamByStream(store: EventStore): EventStore {
  return {
    append: (stream, events, expected) => store.append(stream, events, expected),
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    checkpoints: store.checkpoints,
    close: () => store.close(),
  };
}

describe('the intent runtime and its fabric work', () => {
  let postgres: TestEventStore;
  let appends = 0;
  let counted: EventStore;

  beforeAll(async () => {
    postgres = await openTestEventStore({ pollIntervalMs: 20 });
    const { store } = postgres;
    counted = {
      ...streamByStream(store),
      appendToStreams: (batch: readonly StreamAppend[]) => {
        appends += 1;
        return store.appendToStreams(batch);
      },
    };
  });
  afterAll(async () => {
    await postgres.close();
  });

  async function types(prefix: string): Promise<string[]> {
    const { rows } = await postgres.database.pool.query<{ event_type: string }>(
      `SELECT event_type FROM event_store.events WHERE stream_name LIKE $1 ORDER BY global_position`,
      [`${prefix}%`],
    );
    return rows.map((row) => row.event_type);
  }

  it('commits the claims, the request record and the fabric work in one append, once per request_id', async () => {
    const runtime = new IntentRuntime(new AggregateStore(counted, catalog));
    const request = {
      tenantId: 'one',
      requestId: randomUUID(),
      method: 'Claim',
      fingerprint: '[]',
      result: 'op-one',
    };
    appends = 0;
    const first = await runtime.submit(request, context, (intent) =>
      claimAndStart(intent, 'slots-one-a', 'slots-one-b'),
    );
    expect(appends).toBe(1);
    expect(first).toEqual({ result: 'op-one', value: 'op-one', acceptedAt: expect.any(String) });
    const retry = await runtime.submit({ ...request, result: 'op-other' }, context, (intent) =>
      claimAndStart(intent, 'slots-one-a', 'slots-one-b'),
    );
    expect(retry).toEqual({ result: 'op-one', value: undefined, acceptedAt: first.acceptedAt });
    expect(await types('slots-one-')).toEqual(['SlotClaimed', 'SlotClaimed']);
    expect(await types('fabric-work-op-one')).toEqual(['FabricWorkRequested']);
    expect(await types(`request-one/`)).toEqual(['RequestAccepted', 'RequestSucceeded']);
  });

  it.each([
    ['committed atomically', () => counted],
    ['appended stream by stream', () => streamByStream(postgres.store)],
  ])('leaves no claim and no fabric work of a refused intent, %s', async (label, storeOf) => {
    const runtime = new IntentRuntime(new AggregateStore(storeOf(), catalog));
    const kind = label.split(' ')[0] ?? '';
    const submit = (owner: string) =>
      runtime.submit(
        { tenantId: 't', requestId: undefined, method: 'Claim', fingerprint: '', result: owner },
        context,
        (intent) => claimAndStart(intent, `slots-${owner}`, `slots-${kind}-full`),
      );
    await submit(`op-${kind}-a`);
    await submit(`op-${kind}-b`);
    await expect(submit(`op-${kind}-c`)).rejects.toBeInstanceOf(ResourceExhaustedError);
    const owners = async (stream: string) =>
      (await new AggregateStore(postgres.store, catalog).load(stream, slots)).state;
    expect(await owners(`slots-op-${kind}-c`)).toEqual([]);
    expect(await owners(`slots-${kind}-full`)).toEqual([`op-${kind}-a`, `op-${kind}-b`]);
    expect(await types(`fabric-work-op-${kind}-c`)).toEqual([]);
    expect(await types(`fabric-work-op-${kind}-a`)).toEqual(['FabricWorkRequested']);
  });

  it('starts every recorded saga in the order of the log, from its checkpoint, retrying a failed start', async () => {
    const started: string[] = [];
    let failures = 1;
    const errors: unknown[] = [];
    const sagas: SagaStarter = {
      start: (type: string, sagaId: string, resourceKey: string, input: JsonValue) => {
        if (sagaId === 'op-one' && failures > 0) {
          failures -= 1;
          return Promise.reject(new Error('the saga index is not reachable'));
        }
        started.push(`${type} ${sagaId} ${resourceKey} ${JSON.stringify(input)}`);
        return Promise.resolve();
      },
    };
    const waitFor = async (count: number) => {
      for (const deadline = Date.now() + 10_000; started.length < count;) {
        if (Date.now() > deadline) throw new Error(`${started.length} sagas started, not ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    // A reaction on the same subscription: it sees its events in the order of the log.
    const claimed: string[] = [];
    const options = {
      store: postgres.store,
      sagas,
      reactions: [
        {
          filter: { streamPrefixes: ['slots-'], eventTypes: ['SlotClaimed'] },
          handle: (event: RecordedEvent) => {
            claimed.push(event.stream);
            return Promise.resolve();
          },
        },
      ],
      onError: (error: unknown) => errors.push(error),
    };
    let dispatcher = startFabricWorkDispatcher(options);
    await waitFor(5);
    await dispatcher.stop();
    // op-one's start failed once, and the ones after it waited for it.
    expect(errors).toHaveLength(1);
    expect(started).toEqual([
      'claim-slots op-one pool/slots-one-a {"pool":"slots-one-a","other":"slots-one-b"}',
      ...['committed', 'appended'].flatMap((kind) =>
        ['a', 'b'].map(
          (slot) =>
            `claim-slots op-${kind}-${slot} pool/slots-op-${kind}-${slot} ` +
            `{"pool":"slots-op-${kind}-${slot}","other":"slots-${kind}-full"}`,
        ),
      ),
    ]);
    // A dispatcher started again goes on after its checkpoint: only the new request is started.
    const runtime = new IntentRuntime(new AggregateStore(counted, catalog));
    await runtime.submit(
      { tenantId: 't', requestId: undefined, method: 'Claim', fingerprint: '', result: 'op-new' },
      context,
      (intent) => claimAndStart(intent, 'slots-new-a', 'slots-new-b'),
    );
    dispatcher = startFabricWorkDispatcher(options);
    await waitFor(6);
    await dispatcher.stop();
    const { rows } = await postgres.database.pool.query<{ stream_name: string }>(
      `SELECT stream_name FROM event_store.events WHERE event_type = 'SlotClaimed'
       ORDER BY global_position`,
    );
    expect(claimed).toEqual(rows.map((row) => row.stream_name));
    expect(started.slice(5)).toEqual([
      'claim-slots op-new pool/slots-new-a {"pool":"slots-new-a","other":"slots-new-b"}',
    ]);
  });

  it.each([
    ['committed atomically', () => counted, [] as string[]],
    [
      'appended stream by stream',
      () => streamByStream(postgres.store),
      ['RequestAccepted', 'RequestFailed'],
    ],
  ])(
    'records no refusal of a request with a request_id, %s, beyond what it must',
    async (label, storeOf, refusedRecord) => {
      const runtime = new IntentRuntime(new AggregateStore(storeOf(), catalog));
      const kind = label.split(' ')[0] ?? '';
      const full = `slots-${kind}-refusals`;
      for (const owner of ['x', 'y']) {
        await runtime.execute(full, slots, { type: 'ClaimSlot', owner }, metadata);
      }
      const requestId = randomUUID();
      const submit = (result: string) =>
        runtime.submit(
          { tenantId: `r-${kind}`, requestId, method: 'Claim', fingerprint: '[]', result },
          context,
          (intent) => claimAndStart(intent, `slots-${result}`, full),
        );
      await expect(submit(`op-${kind}-first`)).rejects.toBeInstanceOf(ResourceExhaustedError);
      // Atomically: nothing at all. Stream by stream the record came first: it is ended, once.
      expect(await types(`request-r-${kind}/`)).toEqual(refusedRecord);
      expect(await types(`slots-op-${kind}-first`)).toEqual(
        kind === 'committed' ? [] : ['SlotClaimed', 'SlotReleased'],
      );
      // The same request again: decided again, and refused again while the pool is full.
      await expect(submit(`op-${kind}-again`)).rejects.toBeInstanceOf(ResourceExhaustedError);
      expect(await types(`request-r-${kind}/`)).toEqual([...refusedRecord, ...refusedRecord]);
      // Once it can be, the retry does the work, as a first attempt would.
      await runtime.execute(full, slots, { type: 'ReleaseSlot', owner: 'x' }, metadata);
      const done = await submit(`op-${kind}-last`);
      const result = kind === 'committed' ? `op-${kind}-last` : `op-${kind}-first`;
      expect(done).toEqual({ result, value: result, acceptedAt: expect.any(String) });
      expect(await types(`request-r-${kind}/`)).toEqual([
        ...refusedRecord,
        ...refusedRecord,
        'RequestAccepted',
        'RequestSucceeded',
      ]);
    },
  );

  it('commits nothing of an intent whose caller stopped waiting before it was decided', async () => {
    const runtime = new IntentRuntime(new AggregateStore(postgres.store, catalog));
    const request = {
      tenantId: 'gone',
      requestId: randomUUID(),
      method: 'Claim',
      fingerprint: '[]',
      result: 'op-gone',
    };
    const ended = { ...context, callEnded: () => true };
    const refused = runtime.submit(request, ended, (intent) =>
      claimAndStart(intent, 'slots-gone-a', 'slots-gone-b'),
    );
    await expect(refused).rejects.toBeInstanceOf(AbortedError);
    await expect(refused).rejects.toMatchObject({ reason: 'CALL_ENDED' });
    expect(await types('request-gone/')).toEqual([]);
    expect(await types('slots-gone-')).toEqual([]);
    // Its retry, with a caller that waits, is decided as a first attempt.
    const retried = await runtime.submit(request, context, (intent) =>
      claimAndStart(intent, 'slots-gone-a', 'slots-gone-b'),
    );
    expect(retried).toMatchObject({ result: 'op-gone', value: 'op-gone' });
  });

  describe('a retry while an earlier attempt of its request_id is still committing', () => {
    // The earlier attempt's engine was killed after it sent its commit: the database finishes the
    // transaction later. Held open here on a connection of its own, then committed or not.
    async function earlierAttemptInFlight(request: Parameters<IntentRuntime['submit']>[0]) {
      const client = await postgres.database.pool.connect();
      await client.query('BEGIN');
      const inFlight = new PostgresEventStore({ pool: client as unknown as Pool });
      const runtime = new IntentRuntime(new AggregateStore(inFlight, catalog));
      await runtime.submit(request, context, (intent) =>
        claimAndStart(intent, `slots-${request.result}`, `slots-${request.result}-b`),
      );
      return {
        end: async (how: 'COMMIT' | 'ROLLBACK') => {
          await client.query(how);
          client.release();
        },
      };
    }
    const refuse = () => Promise.reject(new ResourceExhaustedError('slots', 'decided full'));

    it('answers with the earlier attempt once it commits, not with a refusal decided without it', async () => {
      const request = {
        tenantId: 'late',
        requestId: randomUUID(),
        method: 'Claim',
        fingerprint: '[]',
        result: 'op-late-first',
      };
      const earlier = await earlierAttemptInFlight(request);
      const runtime = new IntentRuntime(new AggregateStore(postgres.store, catalog));
      let answered = false;
      const retry = runtime.submit({ ...request, result: 'op-late-retry' }, context, refuse);
      void retry.then(
        () => (answered = true),
        () => (answered = true),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(answered).toBe(false);
      await earlier.end('COMMIT');
      await expect(retry).resolves.toMatchObject({ result: 'op-late-first', value: undefined });
      expect(await types('request-late/')).toEqual(['RequestAccepted', 'RequestSucceeded']);
    });

    it('refuses once the earlier attempt has rolled back, writing nothing', async () => {
      const request = {
        tenantId: 'undone',
        requestId: randomUUID(),
        method: 'Claim',
        fingerprint: '[]',
        result: 'op-undone-first',
      };
      const earlier = await earlierAttemptInFlight(request);
      const runtime = new IntentRuntime(new AggregateStore(postgres.store, catalog));
      const retry = runtime.submit({ ...request, result: 'op-undone-retry' }, context, refuse);
      setTimeout(() => void earlier.end('ROLLBACK'), 200);
      await expect(retry).rejects.toBeInstanceOf(ResourceExhaustedError);
      expect(await types('request-undone/')).toEqual([]);
      expect(await types('slots-op-undone-')).toEqual([]);
    });
  });
});
