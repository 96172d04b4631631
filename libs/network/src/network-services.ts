import type { EventStore } from '@loom/event-store';
import { AggregateStore, IntentRuntime } from '@loom/intents';
import { ExternalGatewayService } from './external/external-gateway.service';
import { ExternalNetworkService } from './external/external-network.service';
import { FloatingIpService } from './external/floating-ip.service';
import { networkEventCatalog } from './network-event-catalog';
import { OperationService } from './operations/operation.service';
import { PortService, type PortFabric } from './ports/port.service';
import { QosPolicyService } from './qos/qos-policy.service';
import { ServiceIpService } from './service-ips/service-ip.service';
import type { NetworkSettings } from './shared/network-settings';
import { OperationIntents } from './shared/operation-intents';
import { SubnetService } from './subnets/subnet.service';
import { TenantService } from './tenants/tenant.service';
import { VpcService } from './vpcs/vpc.service';

export interface NetworkServices {
  /** The streams' states: what the fabric's sagas, drift and outcomes read the intent from. */
  readonly aggregates: AggregateStore;
  readonly tenants: TenantService;
  readonly vpcs: VpcService;
  readonly subnets: SubnetService;
  readonly ports: PortService;
  readonly externalNetworks: ExternalNetworkService;
  readonly externalGateways: ExternalGatewayService;
  readonly floatingIps: FloatingIpService;
  readonly qosPolicies: QosPolicyService;
  readonly serviceIps: ServiceIpService;
}

/**
 * Wires the network features over one event store; one set per engine process. With a fabric,
 * bound ports' creates and deletes record fabric work, which the fabric work dispatcher turns
 * into sagas; without one (tests of the intent alone) a bound port is active at once.
 */
export function createNetworkServices(
  store: EventStore,
  settings: NetworkSettings,
  fabric?: PortFabric,
): NetworkServices {
  const aggregates = new AggregateStore(store, networkEventCatalog);
  const runtime = new IntentRuntime(aggregates);
  const intents = new OperationIntents(runtime, new OperationService());
  return {
    aggregates,
    tenants: new TenantService(runtime),
    vpcs: new VpcService(intents, runtime, settings),
    subnets: new SubnetService(intents, runtime, settings),
    ports: new PortService(intents, runtime, fabric),
    externalNetworks: new ExternalNetworkService(runtime, fabric?.topology),
    externalGateways: new ExternalGatewayService(intents, settings),
    floatingIps: new FloatingIpService(intents),
    qosPolicies: new QosPolicyService(intents),
    serviceIps: new ServiceIpService(intents, settings, fabric?.topology),
  };
}
