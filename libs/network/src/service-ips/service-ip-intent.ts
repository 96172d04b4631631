import type { ServiceState, VrfState } from '@loom/fabric';
import type { AggregateStore } from '@loom/intents';
import { streams } from '../shared/streams';
import { vpcDecider } from '../vpcs/vpc.decider';
import { serviceIpDecider } from './service-ip.decider';
import { servicePoolDecider } from './service-pool.decider';

/** What the intent puts on one service node: the VPC VRFs and their service state. */
export interface ServiceNodeIntent {
  readonly vrfs: VrfState[];
  readonly service: ServiceState;
}

const serviceIpPattern = /^tenants\/([^/]+)\/vpcs\/([^/]+)\/serviceIp$/;

/**
 * The configuration the intent implies on each service node, by node name: for every service IP
 * (the service pool indexes them) the VPC's VRF with BGP EVPN, its service link, a route per
 * management prefix and its translation. A service IP whose set-service-ip failed is not intended
 * (its saga left the node as it was); one whose saga has not run yet shows as missing.
 */
export async function intendedServiceNodes(
  aggregates: AggregateStore,
): Promise<Map<string, ServiceNodeIntent>> {
  const nodes = new Map<string, ServiceNodeIntent>();
  const { state: pool } = await aggregates.load(streams.servicePool, servicePoolDecider);
  for (const name of pool.resources.values()) {
    const [, tenantId = '', vpcId = ''] = serviceIpPattern.exec(name) ?? [];
    if (!vpcId) continue;
    const [{ state: serviceIp }, { state: vpc }] = await Promise.all([
      aggregates.load(streams.serviceIp(tenantId, vpcId), serviceIpDecider),
      aggregates.load(streams.vpc(tenantId, vpcId), vpcDecider),
    ]);
    if (serviceIp.status !== 'Active' || serviceIp.serviceIpStatus === 'ERROR') continue;
    if (serviceIp.node === '' || vpc.status !== 'Active') continue;
    const intent = nodes.get(serviceIp.node) ?? {
      vrfs: [],
      service: { links: [], routes: [], nats: [] },
    };
    const { routing } = vpc;
    const vrf = routing.vrfName;
    intent.vrfs.push({
      name: vrf,
      l3Vni: routing.l3Vni,
      rd: routing.routeDistinguisher,
      importRts: routing.importRouteTargets,
      exportRts: routing.exportRouteTargets,
      bgpEvpn: true,
    });
    const { vrfAddress, nodeAddress, address } = serviceIp;
    nodes.set(serviceIp.node, {
      vrfs: intent.vrfs,
      service: {
        links: [...intent.service.links, { vrf, vrfAddress, nodeAddress }],
        routes: [
          ...intent.service.routes,
          ...serviceIp.prefixes.map((prefix) => ({ vrf, prefix })),
        ],
        nats: [...intent.service.nats, { vrf, address }],
      },
    });
  }
  return nodes;
}
