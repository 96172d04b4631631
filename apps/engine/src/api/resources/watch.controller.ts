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
import type { EventStore } from '@loom/event-store';
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
import { EVENT_STORE } from '../../event-store/event-store.module';
import { NETWORK_SERVICES, PROJECTION_RUNNER } from '../../network/network.tokens';
import { authorize } from './call-context';
import { toExternalGateway, toFloatingIp } from './external-mapping';
import { toQosPolicy } from './qos-mapping';
import { toServiceIp } from './service-ip.controller';
import { toOperation, toPort, toSubnet, toTenant, toVpc } from './resource-mapping';
import { changeOf, type WatchedChange } from './watch-changes';

const projectionWaitMs = 10_000;

@Controller()
@WatchServiceControllerMethods()
export class WatchController implements WatchServiceController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
    @Inject(NetworkQueries) private readonly queries: NetworkQueries,
    @Inject(NETWORK_SERVICES) private readonly network: NetworkServices,
  ) {}

  /**
   * Every change to the tenant's resources from now on, in commit order, until the client cancels.
   * A tenant that does not exist is NOT_FOUND at once, as for a List.
   */
  watch(request: WatchRequest, metadata?: Metadata): Observable<ResourceChange> {
    const { tenant } = parseTenantName(request.parent, 'parent');
    authorize(metadata, 'read', tenant, request.parent);
    return new Observable<ResourceChange>((subscriber) => {
      const subscription = this.store.subscribeToAll({
        from: 'end',
        filter: { streamPrefixes: tenantStreamPrefixes(tenant) },
      });
      void (async () => {
        // Checked once subscribed: a change committed after the check is not missed.
        if ((await this.queries.tenant(request.parent)) === undefined) {
          throw new NotFoundError(request.parent);
        }
        for await (const event of subscription) {
          const change = changeOf(event.stream, event.type);
          if (!change) continue;
          if (change.projection !== undefined) {
            await this.projections.waitForPosition(
              change.projection,
              event.position,
              projectionWaitMs,
            );
          }
          subscriber.next({
            ...(await this.resourceOf(change)),
            position: event.position.toString(),
          });
        }
      })().then(
        () => {
          subscriber.complete();
        },
        (error: unknown) => {
          subscriber.error(error);
        },
      );
      return () => void subscription.close();
    });
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
