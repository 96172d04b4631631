import type { EventStore } from '@loom/event-store';
import { networkEventCatalog } from './network-event-catalog';
import { OperationService } from './operations/operation.service';
import { PortService, type PortFabric } from './ports/port.service';
import { RequestService } from '@loom/intents';
import { AggregateStore } from '@loom/intents';
import type { NetworkSettings } from './shared/network-settings';
import { SubnetService } from './subnets/subnet.service';
import { TenantService } from './tenants/tenant.service';
import { VpcService } from './vpcs/vpc.service';

export interface NetworkServices {
  readonly aggregates: AggregateStore;
  readonly tenants: TenantService;
  readonly vpcs: VpcService;
  readonly subnets: SubnetService;
  readonly ports: PortService;
  readonly operations: OperationService;
}

/** Wires the network features over one event store; one set per engine process. */
export function createNetworkServices(
  store: EventStore,
  settings: NetworkSettings,
  /** The fabric behind ports; built with the aggregate store its sagas read the intent from. */
  fabric?: (aggregates: AggregateStore) => PortFabric,
): NetworkServices {
  const aggregates = new AggregateStore(store, networkEventCatalog);
  const requests = new RequestService(aggregates);
  const operations = new OperationService(aggregates);
  return {
    aggregates,
    operations,
    tenants: new TenantService(aggregates, requests),
    vpcs: new VpcService(aggregates, requests, operations, settings),
    subnets: new SubnetService(aggregates, requests, operations, settings),
    ports: new PortService(aggregates, requests, operations, fabric?.(aggregates)),
  };
}
