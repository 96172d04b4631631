import type { EventStore, JsonObject } from '@loom/event-store';
import { decodeSagaEvent, readSagaStart, sagaStreamName } from '@loom/sagas';
import type { Pool } from 'pg';
import {
  auditedStream,
  isResourceKind,
  parseActor,
  streamOfResource,
  type AuditedKind,
} from '../model/audited-stream';
import {
  methodName,
  type ChangeEntry,
  type ChangesFilter,
  type ChangesPage,
} from '../model/change-entry';
import { isUnder, NetworkReplay, type ResourceModels } from '../model/network-replay';
import {
  diffSnapshots,
  fieldChanges,
  type NetworkSnapshot,
  type ResourceView,
  type SnapshotDiff,
} from '../model/network-snapshot';
import { fabricRepairView } from '../model/fabric-repair-view';
import { traceSaga, type SagaTrace } from '../model/saga-trace';
import { evolveSagaView } from '../model/saga-view';
import type { AuditIndex } from './audit-index';

/** An instant of the log: a global position, or a time (the last event recorded by then). */
export type AuditInstant = { readonly position: bigint } | { readonly time: Date };

export interface StateAt {
  /** The last position the state includes (0: before the first event). */
  readonly position: bigint;
  readonly resources: NetworkSnapshot;
}

export interface TraceEvent {
  readonly position: bigint;
  readonly recordedAt: Date;
  readonly stream: string;
  readonly resource: string;
  readonly eventType: string;
  readonly actor: string;
  readonly action: string;
}

/** What a trace starts from: an Operation, a request id, a correlation id or a saga. */
export type TraceTarget =
  | { readonly operation: string }
  | { readonly requestId: string }
  | { readonly correlationId: string }
  | { readonly sagaId: string };

export interface AuditTrace {
  readonly correlationId: string;
  readonly requestId?: string;
  readonly actor: string;
  readonly method: string;
  readonly at: Date;
  /** Every event the call recorded (one commit, or more on EventStoreDB). */
  readonly events: readonly TraceEvent[];
  readonly sagas: readonly SagaTrace[];
  /** The operations and resources the call touched, as they are now. */
  readonly endState: NetworkSnapshot;
  /** Why, for an operator's action (a drift repair). */
  readonly reason?: string;
}

interface EntryRow {
  position: string;
  stream: string;
  revision: string;
  kind: AuditedKind;
  tenant: string | null;
  resource: string;
  actor: string | null;
  method: string | null;
  request_id: string | null;
  correlation_id: string | null;
  event_type: string;
  recorded_at: Date;
}

/** Resource kinds a tenant's network holds (operations are in traces, not in the network). */
const networkKinds = ['tenant', 'vpc', 'subnet', 'port', 'external-gateway', 'floating-ip'];
/**
 * What Changes lists: resources, operations, sagas' lifecycle (not each step: see Trace),
 * operators' drift repairs, audit.
 */
const changeKinds = [
  'tenant',
  'vpc',
  'subnet',
  'port',
  'operation',
  'external-network',
  'external-gateway',
  'floating-ip',
  'saga',
  'fabric-repair',
  'audit',
];

/**
 * The auditor's questions, answered from the event log: the index (`audit.entries`) finds the
 * events, and every state is rebuilt from the events with the deciders' evolve.
 */
export class AuditQueries {
  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly index: AuditIndex,
    private readonly models: ResourceModels,
  ) {}

  async changes(
    filter: ChangesFilter,
    page: { size: number; order: 'newest' | 'oldest'; after?: bigint },
  ): Promise<ChangesPage> {
    await this.index.reach();
    const where: string[] = [
      `kind = ANY($1::text[])`,
      `NOT (kind = 'saga' AND event_type ~ '^Saga(Step|Compensation)')`,
    ];
    const values: unknown[] = [changeKinds];
    const add = (clause: (n: number) => string, value: unknown): void => {
      values.push(value);
      where.push(clause(values.length));
    };
    if (filter.tenant !== undefined) add((n) => `tenant = $${n}`, filter.tenant);
    if (filter.resource !== undefined) {
      values.push(filter.resource);
      const n = values.length;
      // Bytewise: `/` sorts just before `0`, so [name + '/', name + '0') is everything under it.
      where.push(`(resource = $${n} OR (resource > $${n} || '/' AND resource < $${n} || '0'))`);
    }
    if (filter.actor !== undefined) {
      add(
        (n) => (filter.actor?.includes(':') ? `actor = $${n}` : `actor LIKE '%:' || $${n}`),
        filter.actor,
      );
    }
    if (filter.requestId !== undefined) {
      // Every event of the call, also those recorded without the request id (its operation's).
      add(
        (n) =>
          `(request_id = $${n} OR correlation_id IN
             (SELECT correlation_id FROM audit.entries WHERE request_id = $${n}))`,
        filter.requestId,
      );
    }
    if (filter.correlationId !== undefined) {
      add((n) => `correlation_id = $${n}`, filter.correlationId);
    }
    if (filter.eventType !== undefined) add((n) => `event_type = $${n}`, filter.eventType);
    if (filter.from !== undefined) add((n) => `recorded_at >= $${n}`, filter.from);
    if (filter.to !== undefined) add((n) => `recorded_at < $${n}`, filter.to);
    const newest = page.order === 'newest';
    if (page.after !== undefined) {
      add((n) => `position ${newest ? '<' : '>'} $${n}`, page.after.toString());
    }
    values.push(page.size + 1);
    // Ordered as an index is (its equality column first), so the planner walks that index for
    // one page instead of the whole log backwards, filtering. Qualified: `position` alone would
    // be the text column of the SELECT list, which sorts as text.
    const leading =
      filter.actor?.includes(':') === true
        ? 'actor, '
        : filter.tenant !== undefined
          ? 'tenant, '
          : '';
    const direction = newest ? 'DESC' : 'ASC';
    const { rows } = await this.pool.query<EntryRow>(
      `SELECT position::text, stream, revision::text, kind, tenant, resource, actor, method,
              request_id, correlation_id, event_type, recorded_at
       FROM audit.entries WHERE ${where.join(' AND ')}
       ORDER BY ${leading.replace(', ', ` ${direction}, `)}entries.position ${direction}
       LIMIT $${values.length}`,
      values,
    );
    const pageRows = rows.slice(0, page.size);
    const entries = await this.describe(pageRows);
    const last = pageRows.at(-1);
    return {
      entries,
      ...(rows.length > page.size && last !== undefined ? { next: BigInt(last.position) } : {}),
    };
  }

  /** `scope` (a tenant or any resource under one) as it was at `at`, rebuilt from its events. */
  async stateAt(scope: string, at: AuditInstant): Promise<StateAt> {
    const position = await this.positionOf(at);
    const tenant = tenantOf(scope);
    const { rows } = await this.pool.query<{
      stream_name: string;
      event_type: string;
      schema_version: number;
      data: JsonObject;
    }>(
      `SELECT e.stream_name, e.event_type, e.schema_version, e.data
       FROM audit.entries a JOIN event_store.events e ON e.global_position = a.position
       WHERE a.tenant = $1 AND a.kind = ANY($2::text[]) AND a.position <= $3
       ORDER BY a.position`,
      [tenant, networkKinds, position.toString()],
    );
    const replay = new NetworkReplay(this.models);
    for (const row of rows) {
      replay.apply({
        stream: row.stream_name,
        type: row.event_type,
        schemaVersion: row.schema_version,
        data: row.data,
      });
    }
    const inScope = replay.snapshot((view) => isUnder(view.name, scope));
    // The external networks the scope's gateways and floating IPs are on, as a tenant sees them
    // (their name and pools), as they were at the same instant.
    const referenced = [...inScope.values()]
      .map((view) => view.fields['externalNetwork'])
      .filter((name): name is string => typeof name === 'string');
    const external = await this.externalNetworksAt(referenced, position);
    return {
      position,
      resources: new Map(
        [...inScope, ...external].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
    };
  }

  /** External networks (by name) rebuilt from their streams up to `position`. */
  private async externalNetworksAt(names: readonly string[], position: bigint) {
    const streams = [...new Set(names)]
      .map((name) => streamOfResource(name))
      .filter((found) => found?.kind === 'external-network')
      .map((found) => found?.stream ?? '');
    if (streams.length === 0) return new Map<string, ResourceView>();
    const { rows } = await this.pool.query<{
      stream_name: string;
      event_type: string;
      schema_version: number;
      data: JsonObject;
    }>(
      `SELECT stream_name, event_type, schema_version, data FROM event_store.events
       WHERE stream_name = ANY($1::text[]) AND global_position <= $2
       ORDER BY global_position`,
      [streams, position.toString()],
    );
    const replay = new NetworkReplay(this.models);
    for (const row of rows) {
      replay.apply({
        stream: row.stream_name,
        type: row.event_type,
        schemaVersion: row.schema_version,
        data: row.data,
      });
    }
    return replay.snapshot();
  }

  async diff(
    scope: string,
    from: AuditInstant,
    to: AuditInstant,
  ): Promise<{ from: bigint; to: bigint; diff: SnapshotDiff }> {
    const [before, after] = await Promise.all([this.stateAt(scope, from), this.stateAt(scope, to)]);
    return {
      from: before.position,
      to: after.position,
      diff: diffSnapshots(before.resources, after.resources),
    };
  }

  /**
   * The causal chain of one API call, from its Operation (`tenants/t/operations/o`) or its
   * request id: every event it recorded, the sagas its fabric work started, step by step, and
   * the end state. Undefined when nothing in the log has it (or it is not of `tenant`).
   */
  async trace(target: TraceTarget, tenant?: string): Promise<AuditTrace | undefined> {
    await this.index.reach();
    if ('sagaId' in target) {
      const started = await this.callOfSaga(target.sagaId);
      return started === undefined ? undefined : this.trace(started, tenant);
    }
    const first = await this.firstEntryOf(target);
    if (first === undefined || (tenant !== undefined && first.tenant !== tenant)) return undefined;
    const correlationId = first.correlation_id;
    const { rows } =
      correlationId === null
        ? { rows: [first] }
        : await this.pool.query<EntryRow>(
            `SELECT position::text, stream, revision::text, kind, tenant, resource, actor, method,
                    request_id, correlation_id, event_type, recorded_at
             FROM audit.entries WHERE correlation_id = $1 ORDER BY entries.position`,
            [correlationId],
          );
    const events: TraceEvent[] = rows.map((row) => ({
      position: BigInt(row.position),
      recordedAt: row.recorded_at,
      stream: row.stream,
      resource: row.resource,
      eventType: row.event_type,
      actor: row.actor ?? '',
      action: row.method === null ? (row.actor ?? '') : methodName(row.method),
    }));
    const sagaIds = await this.sagaIdsOf(rows);
    const sagas: SagaTrace[] = [];
    for (const sagaId of sagaIds) {
      const recorded = await this.store.readStream(`saga-${sagaId}`);
      if (recorded.length > 0) sagas.push(traceSaga(sagaId, recorded.map(decodeSagaEvent)));
    }
    const touched = [...new Set(rows.map((row) => row.stream))].filter((stream) =>
      isResourceKind(auditedStream(stream).kind),
    );
    const endState = new Map<string, ReturnType<NetworkReplay['viewOf']> & object>();
    for (const stream of touched) {
      const replay = new NetworkReplay(this.models);
      for (const event of await this.store.readStream(stream)) replay.apply(event);
      const view = replay.viewOf(stream);
      const name = auditedStream(stream).resource;
      if (view !== undefined) endState.set(name, view);
    }
    const requestId = rows.find((row) => row.request_id !== null)?.request_id ?? undefined;
    const reason = await this.reasonOf(rows);
    return {
      correlationId: correlationId ?? '',
      ...(requestId === undefined ? {} : { requestId }),
      actor: first.actor ?? '',
      method: first.method === null ? '' : methodName(first.method),
      at: first.recorded_at,
      events,
      sagas,
      endState: new Map([...endState].sort(([a], [b]) => (a < b ? -1 : 1))),
      ...(reason === undefined ? {} : { reason }),
    };
  }

  /**
   * The call whose fabric work started a saga: its Operation (port, gateway and floating IP
   * sagas), its drift repair, or else the commit that recorded its FabricWorkRequested.
   */
  private async callOfSaga(sagaId: string): Promise<TraceTarget | undefined> {
    const start = await readSagaStart(this.store, sagaStreamName(sagaId));
    if (start === undefined) return undefined;
    const input = (start.input ?? {}) as Record<string, unknown>;
    if (typeof input['operation'] === 'string') return { operation: input['operation'] };
    if (typeof input['repairId'] === 'string') return { correlationId: input['repairId'] };
    const { rows } = await this.pool.query<{ correlation_id: string | null }>(
      `SELECT a.correlation_id FROM audit.entries a
       JOIN event_store.events e ON e.global_position = a.position
       WHERE a.event_type = 'FabricWorkRequested' AND e.data->>'sagaId' = $1 LIMIT 1`,
      [sagaId],
    );
    const correlationId = rows[0]?.correlation_id;
    return correlationId ? { correlationId } : undefined;
  }

  /** An operator's reason recorded by the call (a drift repair's). */
  private async reasonOf(rows: readonly EntryRow[]): Promise<string | undefined> {
    const repair = rows.find((row) => row.event_type === 'FabricRepairRequested');
    if (repair === undefined) return undefined;
    const { rows: found } = await this.pool.query<{ reason: string | null }>(
      `SELECT data->>'reason' AS reason FROM event_store.events WHERE global_position = $1`,
      [repair.position],
    );
    return found[0]?.reason ?? undefined;
  }

  /** The last position recorded by an instant (a position is taken as it is). */
  async positionOf(at: AuditInstant): Promise<bigint> {
    if ('position' in at) {
      await this.index.reach(at.position);
      return at.position;
    }
    await this.index.reach();
    const { rows } = await this.pool.query<{ position: string | null }>(
      `SELECT max(position)::text AS position FROM audit.entries WHERE recorded_at <= $1`,
      [at.time],
    );
    return BigInt(rows[0]?.position ?? '0');
  }

  private async firstEntryOf(
    target: Exclude<TraceTarget, { readonly sagaId: string }>,
  ): Promise<EntryRow | undefined> {
    const [column, value] =
      'operation' in target
        ? ['stream', streamOfResource(target.operation)?.stream ?? '']
        : 'requestId' in target
          ? ['request_id', target.requestId]
          : ['correlation_id', target.correlationId];
    const { rows } = await this.pool.query<EntryRow>(
      `SELECT position::text, stream, revision::text, kind, tenant, resource, actor, method,
              request_id, correlation_id, event_type, recorded_at
       FROM audit.entries WHERE ${column} = $1 ORDER BY entries.position LIMIT 1`,
      [value],
    );
    return rows[0];
  }

  /** Sagas the call's commit asked for (FabricWorkRequested), in the order it asked. */
  private async sagaIdsOf(rows: readonly EntryRow[]): Promise<string[]> {
    const positions = rows
      .filter((row) => row.event_type === 'FabricWorkRequested')
      .map((row) => row.position);
    if (positions.length === 0) return [];
    const { rows: work } = await this.pool.query<{ saga_id: string }>(
      `SELECT data->>'sagaId' AS saga_id FROM event_store.events
       WHERE global_position = ANY($1::bigint[]) ORDER BY global_position`,
      [positions],
    );
    return work.map((row) => row.saga_id);
  }

  /** Entries with their fields before and after, each stream read once up to what is needed. */
  private async describe(rows: readonly EntryRow[]): Promise<ChangeEntry[]> {
    const needed = new Map<string, number>();
    for (const row of rows) {
      const revision = Number(row.revision);
      if (isResourceKind(row.kind) || row.kind === 'saga' || row.kind === 'fabric-repair') {
        needed.set(row.stream, Math.max(needed.get(row.stream) ?? -1, revision));
      }
    }
    const views = new Map<string, { before?: JsonObject; after?: JsonObject }>();
    const sagaTypes = new Map<string, string>();
    const sagaViews = new Map<string, JsonObject>();
    // Every stream the page touches, each up to the revision it needs, in one round trip.
    const { rows: events } = await this.pool.query<{
      stream: string;
      revision: number;
      type: string;
      schema_version: number;
      data: JsonObject;
    }>(
      `SELECT e.stream_name AS stream, e.stream_revision::int AS revision, e.event_type AS type,
              e.schema_version, e.data
       FROM unnest($1::text[], $2::bigint[]) AS needed(stream, upto)
       JOIN event_store.events e
         ON e.stream_name = needed.stream AND e.stream_revision <= needed.upto
       ORDER BY e.stream_name, e.stream_revision`,
      [[...needed.keys()], [...needed.values()]],
    );
    let replay = new NetworkReplay(this.models);
    let current = '';
    for (const event of events) {
      if (event.stream !== current) {
        current = event.stream;
        replay = new NetworkReplay(this.models);
      }
      if (auditedStream(event.stream).kind === 'fabric-repair') {
        views.set(`${event.stream}@${event.revision}`, { after: fabricRepairView(event.data) });
        continue;
      }
      if (auditedStream(event.stream).kind === 'saga') {
        const before = sagaViews.get(event.stream);
        const after = evolveSagaView(before, event.type, event.data);
        sagaViews.set(event.stream, after);
        if (typeof after['sagaType'] === 'string') sagaTypes.set(event.stream, after['sagaType']);
        views.set(`${event.stream}@${event.revision}`, {
          ...(before === undefined ? {} : { before }),
          after,
        });
        continue;
      }
      const before = replay.viewOf(event.stream)?.fields;
      replay.apply({ ...event, schemaVersion: event.schema_version });
      const after = replay.viewOf(event.stream)?.fields;
      views.set(`${event.stream}@${event.revision}`, {
        ...(before === undefined ? {} : { before }),
        ...(after === undefined ? {} : { after }),
      });
    }
    return rows.map((row) => {
      const { role, subject } = parseActor(row.actor ?? undefined);
      const view = views.get(`${row.stream}@${row.revision}`);
      return {
        position: BigInt(row.position),
        recordedAt: row.recorded_at,
        actor: row.actor ?? '',
        role,
        subject,
        action: actionOf(row, sagaTypes.get(row.stream)),
        kind: row.kind,
        resource: row.resource,
        eventType: row.event_type,
        ...(row.request_id === null ? {} : { requestId: row.request_id }),
        ...(row.correlation_id === null ? {} : { correlationId: row.correlation_id }),
        changes: view === undefined ? [] : fieldChanges(view.before, view.after),
      };
    });
  }
}

function actionOf(row: EntryRow, sagaType: string | undefined): string {
  if (row.method !== null) return methodName(row.method);
  if (row.kind === 'saga') return `saga ${sagaType ?? ''}`.trim();
  return parseActor(row.actor ?? undefined).subject;
}

function tenantOf(scope: string): string {
  const match = /^tenants\/([^/]+)/.exec(scope);
  if (!match?.[1]) throw new RangeError(`${scope} is not a tenant or a resource of one`);
  return match[1];
}
