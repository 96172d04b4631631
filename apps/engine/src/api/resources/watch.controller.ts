import type { Writable } from 'node:stream';
import { Controller, Inject } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { Observable } from 'rxjs';
import {
  ChangeType,
  WatchServiceControllerMethods,
  type ResourceChange,
  type WatchRequest,
  type WatchServiceController,
} from '@loom/api-contract';
import { parseTenantName } from '@loom/names';
import type { EventStore, RecordedEvent } from '@loom/event-store';
import {
  externalGatewayDecider,
  floatingIpDecider,
  qosPolicyDecider,
  serviceIpDecider,
  NetworkQueries,
  NotFoundError,
  streams,
  tenantStreamPrefixes,
  type NetworkServices,
} from '@loom/network';
import type { ProjectionRunner } from '@loom/projections';
import { DatabaseConnection } from '../../database/database-connection';
import { EVENT_STORE } from '../../event-store/event-store.module';
import { NETWORK_SERVICES, PROJECTION_RUNNER } from '../../network/network.tokens';
import { authorize } from './call-context';
import { toExternalGateway, toFloatingIp } from './external-mapping';
import { toQosPolicy } from './qos-mapping';
import { toServiceIp } from './service-ip.controller';
import { toOperation, toPort, toSubnet, toTenant, toVpc } from './resource-mapping';
import { SharedLookups } from './shared-lookups';
import { changeOf, type WatchedChange } from './watch-changes';
import { WatchFeed } from './watch-feed';

const projectionWaitMs = 10_000;
/** Messages remembered by event position, shared by the watchers that receive the same event. */
const sharedMessages = 1_024;

@Controller()
@WatchServiceControllerMethods()
export class WatchController implements WatchServiceController {
  /** One reading of the log for every Watch stream of the engine. */
  private readonly feed: WatchFeed;
  private readonly messages = new SharedLookups<bigint, ResourceChange | undefined>(sharedMessages);

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(DatabaseConnection) database: DatabaseConnection,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
    @Inject(NetworkQueries) private readonly queries: NetworkQueries,
    @Inject(NETWORK_SERVICES) private readonly network: NetworkServices,
  ) {
    this.feed = new WatchFeed(store, database.pool);
  }

  /**
   * Every change to the tenant's resources from now on, in commit order, until the client cancels.
   * A tenant that does not exist is NOT_FOUND at once, as for a List. The stream follows the
   * engine's one reading of the log, filtered to the tenant's streams; while the client does not
   * take what was sent (`call`'s buffer full), it reads no further, so the feed leaves it behind
   * and it catches up from its last event once the client reads again.
   */
  watch(request: WatchRequest, metadata?: Metadata, call?: Writable): Observable<ResourceChange> {
    const { tenant } = parseTenantName(request.parent, 'parent');
    authorize(metadata, 'read', tenant, request.parent);
    return new Observable<ResourceChange>((subscriber) => {
      const cancelled = new AbortController();
      const following = this.feed.follow({ streamPrefixes: tenantStreamPrefixes(tenant) });
      void (async () => {
        const subscription = await following;
        // Checked once subscribed: a change committed after the check is not missed.
        if ((await this.queries.tenant(request.parent)) === undefined) {
          throw new NotFoundError(request.parent);
        }
        for await (const event of subscription) {
          if (cancelled.signal.aborted) return;
          const message = await this.messages.get(event.position, () => this.messageOf(event));
          if (message === undefined) continue;
          subscriber.next(message);
          await roomOn(call, cancelled.signal);
        }
      })().then(
        () => {
          subscriber.complete();
        },
        (error: unknown) => {
          subscriber.error(error);
        },
      );
      return () => {
        cancelled.abort();
        void following.then(
          (subscription) => subscription.close(),
          () => undefined,
        );
      };
    });
  }

  /** The message of an event that changes a watched resource, once its read model has it. */
  private async messageOf(event: RecordedEvent): Promise<ResourceChange | undefined> {
    const change = changeOf(event.stream, event.type);
    if (!change) return undefined;
    if (change.projection !== undefined) {
      await this.projections.waitForPosition(change.projection, event.position, projectionWaitMs);
    }
    return { ...(await this.resourceOf(change)), position: event.position.toString() };
  }

  private async resourceOf(change: WatchedChange): Promise<Omit<ResourceChange, 'position'>> {
    const base = { type: change.type, resourceName: change.name };
    if (change.type === ChangeType.DELETED) return base;
    switch (change.resource) {
      case 'tenant': {
        const row = await this.queries.tenant(change.name);
        return row ? { ...base, tenant: toTenant(row) } : base;
      }
      case 'vpc': {
        const row = await this.queries.vpc(change.name);
        return row ? { ...base, vpc: toVpc(row) } : base;
      }
      case 'subnet': {
        const row = await this.queries.subnet(change.name);
        return row ? { ...base, subnet: toSubnet(row) } : base;
      }
      case 'port': {
        const row = await this.queries.port(change.name);
        return row ? { ...base, port: toPort(row) } : base;
      }
      case 'operation': {
        const row = await this.queries.operation(change.name);
        return row ? { ...base, operation: toOperation(row) } : base;
      }
      case 'external-gateway': {
        const [, tenantId = '', , vpcId = ''] = change.name.split('/');
        const { state } = await this.network.aggregates.load(
          streams.externalGateway(tenantId, vpcId),
          externalGatewayDecider,
        );
        return state.status === 'Active'
          ? { ...base, externalGateway: toExternalGateway(state) }
          : base;
      }
      case 'floating-ip': {
        const [, tenantId = '', , floatingIpId = ''] = change.name.split('/');
        const { state } = await this.network.aggregates.load(
          streams.floatingIp(tenantId, floatingIpId),
          floatingIpDecider,
        );
        return state.status === 'Active' ? { ...base, floatingIp: toFloatingIp(state) } : base;
      }
      case 'qos-policy': {
        const [, tenantId = '', , qosPolicyId = ''] = change.name.split('/');
        const { state } = await this.network.aggregates.load(
          streams.qosPolicy(tenantId, qosPolicyId),
          qosPolicyDecider,
        );
        return state.status === 'Active' ? { ...base, qosPolicy: toQosPolicy(state) } : base;
      }
      case 'service-ip': {
        const [, tenantId = '', , vpcId = ''] = change.name.split('/');
        const { state } = await this.network.aggregates.load(
          streams.serviceIp(tenantId, vpcId),
          serviceIpDecider,
        );
        return state.status === 'Active' ? { ...base, serviceIp: toServiceIp(state) } : base;
      }
    }
  }
}

/**
 * Resolves once the call's buffer has room (at once unless it is full), or the call ends: a client
 * that stops reading stops its stream from reading further, so what it holds stays bounded.
 */
function roomOn(call: Writable | undefined, cancelled: AbortSignal): Promise<void> {
  if (call === undefined || !call.writableNeedDrain || cancelled.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('close', done);
      cancelled.removeEventListener('abort', done);
      resolve();
    };
    call.on('drain', done);
    call.on('close', done);
    cancelled.addEventListener('abort', done, { once: true });
  });
}
