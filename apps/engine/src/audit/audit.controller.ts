import { Controller, Inject } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { Observable } from 'rxjs';
import {
  AuditServiceControllerMethods,
  timestampToDate,
  toTimestamp,
  type AuditServiceController,
  type DiffStatesRequest,
  type ExportedEvent,
  type ExportEventsRequest,
  type GetStateAtRequest,
  type ListChangesRequest,
  type ListChangesResponse,
  type StateAt,
  type StateDiff,
  type Trace,
  type TraceCallRequest,
} from '@loom/api-contract';
import { AuditIndex, AuditQueries, exportEvents, type ChangesFilter } from '@loom/audit';
import { principalOf } from '@loom/access';
import type { EventStore } from '@loom/event-store';
import { InvalidArgumentError, NotFoundError, parseOperationName } from '@loom/network';
import { authorize } from '../api/resources/call-context';
import { readFilterText } from './audit-filter-text';
import { normalizePageSize, PageTokenCodec } from '../api/shared';
import { DatabaseConnection } from '../database/database-connection';
import { EVENT_STORE } from '../event-store/event-store.module';
import {
  readInstant,
  readLogPosition,
  toAuditedResources,
  toChange,
  toStateDiff,
  toTrace,
} from './audit-mapping';

const isPosition = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9]+$/.test(value);

/**
 * AuditService: every method reads (`read` access): auditor, ops and portal see every tenant, a
 * tenant token only its own, other tenants' being NOT_FOUND as everywhere in the API.
 */
@Controller()
@AuditServiceControllerMethods()
export class AuditController implements AuditServiceController {
  constructor(
    @Inject(AuditQueries) private readonly queries: AuditQueries,
    @Inject(AuditIndex) private readonly index: AuditIndex,
    @Inject(DatabaseConnection) private readonly database: DatabaseConnection,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PageTokenCodec) private readonly pageTokens: PageTokenCodec,
  ) {}

  async listChanges(
    request: ListChangesRequest,
    metadata?: Metadata,
  ): Promise<ListChangesResponse> {
    const tenant = this.tenantScope(request.tenant, metadata);
    const resource = readFilterText(request.resource, 'resource');
    if (resource !== undefined) {
      authorize(metadata, 'read', tenantOfName(resource, 'resource'), resource);
    }
    const actor = readFilterText(request.actor, 'actor');
    const requestId = readFilterText(request.requestId, 'request_id');
    const correlationId = readFilterText(request.correlationId, 'correlation_id');
    const eventType = readFilterText(request.eventType, 'event_type');
    const filter: ChangesFilter = {
      ...(tenant === undefined ? {} : { tenant }),
      ...(resource === undefined ? {} : { resource }),
      ...(actor === undefined ? {} : { actor }),
      ...(requestId === undefined ? {} : { requestId }),
      ...(correlationId === undefined ? {} : { correlationId }),
      ...(eventType === undefined ? {} : { eventType }),
      ...(request.startTime === null
        ? {}
        : { from: timestampToDate(request.startTime, 'start_time') }),
      ...(request.endTime === null ? {} : { to: timestampToDate(request.endTime, 'end_time') }),
    };
    const order = request.oldestFirst ? 'oldest' : 'newest';
    const scope = `ListChanges ${JSON.stringify({ filter, order })}`;
    const after = this.pageTokens.decode(request.pageToken, scope, isPosition);
    const page = await this.queries.changes(filter, {
      size: normalizePageSize(request.pageSize),
      order,
      ...(after === undefined ? {} : { after: BigInt(after) }),
    });
    return {
      changes: page.entries.map(toChange),
      nextPageToken:
        page.next === undefined ? '' : this.pageTokens.encode(page.next.toString(), scope),
    };
  }

  async getStateAt(request: GetStateAtRequest, metadata?: Metadata): Promise<StateAt> {
    authorize(metadata, 'read', tenantOfName(request.name, 'name'), request.name);
    const at = readInstant(request.at, 'at') ?? { position: await this.head() };
    const state = await this.queries.stateAt(request.name, at);
    return { position: state.position.toString(), resources: toAuditedResources(state.resources) };
  }

  async diffStates(request: DiffStatesRequest, metadata?: Metadata): Promise<StateDiff> {
    authorize(metadata, 'read', tenantOfName(request.name, 'name'), request.name);
    const from = readInstant(request.from, 'from');
    if (from === undefined) {
      throw new InvalidArgumentError([{ field: 'from', description: 'is required' }]);
    }
    const to = readInstant(request.to, 'to') ?? { position: await this.head() };
    const result = await this.queries.diff(request.name, from, to);
    return toStateDiff(result.from, result.to, result.diff);
  }

  async traceCall(request: TraceCallRequest, metadata?: Metadata): Promise<Trace> {
    if (request.operation) {
      const { tenant } = parseOperationName(request.operation, 'operation');
      authorize(metadata, 'read', tenant, request.operation);
      const trace = await this.queries.trace({ operation: request.operation }, tenant);
      if (trace === undefined) throw new NotFoundError(request.operation);
      return toTrace(trace);
    }
    const requestId = readFilterText(request.requestId, 'request_id');
    const correlationId = readFilterText(request.correlationId, 'correlation_id');
    const sagaId = readFilterText(request.sagaId, 'saga_id');
    const [target, named] = requestId
      ? [{ requestId }, `request ${requestId}`]
      : correlationId
        ? [{ correlationId }, `correlation ${correlationId}`]
        : sagaId
          ? [{ sagaId }, `saga ${sagaId}`]
          : [undefined, ''];
    if (target === undefined) {
      throw new InvalidArgumentError([
        {
          field: 'target',
          description: 'name an operation, a request_id, a correlation_id or a saga_id',
        },
      ]);
    }
    const tenant = this.tenantScope(request.tenant, metadata);
    const trace = await this.queries.trace(target, tenant);
    if (trace === undefined) throw new NotFoundError(named);
    return toTrace(trace);
  }

  exportEvents(request: ExportEventsRequest, metadata?: Metadata): Observable<ExportedEvent> {
    const tenant = this.tenantScope(request.tenant, metadata);
    const call = authorize(metadata, 'read', tenant, tenant ? `tenants/${tenant}` : '');
    const after =
      request.afterPosition === '' ? 0n : readLogPosition(request.afterPosition, 'after_position');
    const lines = exportEvents(this.database.pool, this.store, this.index, {
      after,
      actor: call.request.actor,
      correlationId: call.request.correlationId,
      ...(call.request.method === undefined ? {} : { method: call.request.method }),
      ...(tenant === undefined ? {} : { tenant }),
      ...(request.startTime === null
        ? {}
        : { from: timestampToDate(request.startTime, 'start_time') }),
      ...(request.endTime === null ? {} : { to: timestampToDate(request.endTime, 'end_time') }),
    });
    return new Observable<ExportedEvent>((subscriber) => {
      const client = { cancelled: false };
      void (async () => {
        for await (const event of lines) {
          if (client.cancelled) return;
          subscriber.next({
            position: event.position,
            id: event.id,
            stream: event.stream,
            revision: String(event.revision),
            type: event.type,
            schemaVersion: event.schemaVersion,
            dataJson: JSON.stringify(event.data),
            metadataJson: JSON.stringify(event.metadata),
            recordedTime: toTimestamp(event.recordedAt),
          });
        }
        subscriber.complete();
      })().catch((error: unknown) => {
        subscriber.error(error);
      });
      return () => {
        client.cancelled = true;
      };
    });
  }

  /**
   * The tenant a query is confined to: the one asked for, checked against the caller (another
   * tenant's is NOT_FOUND for a tenant token); a tenant token asking for none gets its own.
   */
  private tenantScope(requested: string, metadata: Metadata | undefined): string | undefined {
    const principal = principalOf(metadata);
    const own = principal.role === 'tenant' ? principal.tenant : undefined;
    const tenant = requested === '' ? own : requested;
    authorize(metadata, 'read', tenant, tenant === undefined ? '' : `tenants/${tenant}`);
    return tenant;
  }

  private async head(): Promise<bigint> {
    await this.index.reach();
    return (await this.index.indexedBelow()) - 1n;
  }
}

function tenantOfName(name: string, field: string): string {
  const match = /^tenants\/([a-z][a-z0-9-]{0,62})(\/|$)/.exec(name);
  if (!match?.[1]) {
    throw new InvalidArgumentError([
      { field, description: 'must be tenants/{tenant} or a resource name under it' },
    ]);
  }
  return match[1];
}
