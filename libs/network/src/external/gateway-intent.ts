import type {
  DefaultRouteState,
  DnatRuleState,
  GatewayState,
  SnatRuleState,
  TransferLinkState,
  VrfState,
} from '@loom/fabric';
import type { AggregateStore } from '@loom/intents';
import { streams } from '../shared/streams';
import { vpcDecider } from '../vpcs/vpc.decider';
import { externalGatewayDecider } from './external-gateway.decider';
import { externalNetworkDecider } from './external-network.decider';
import { floatingIpDecider } from './floating-ip.decider';
import { transferPoolDecider } from './transfer-pool.decider';

/** What the intent puts on one gateway node: the VPC VRFs and the gateway state beside them. */
export interface GatewayNodeIntent {
  readonly vrfs: VrfState[];
  readonly gateway: GatewayState;
}

const gatewayPattern = /^tenants\/([^/]+)\/vpcs\/([^/]+)\/externalGateway$/;
const floatingIpPattern = /^tenants\/([^/]+)\/floatingIps\/([^/]+)$/;

const hostOf = (address: string): string => address.split('/')[0] ?? address;

function emptyIntent(): {
  vrfs: VrfState[];
  gateway: {
    transferLinks: TransferLinkState[];
    defaultRoutes: DefaultRouteState[];
    snatRules: SnatRuleState[];
    dnatRules: DnatRuleState[];
    upstreamPrefixes: string[];
  };
} {
  return {
    vrfs: [],
    gateway: {
      transferLinks: [],
      defaultRoutes: [],
      snatRules: [],
      dnatRules: [],
      upstreamPrefixes: [],
    },
  };
}

/**
 * The configuration the intent implies on each gateway node, by node name: for every VPC external
 * gateway (the transfer pool indexes them) on every gateway node of its external network, the VPC's
 * VRF with BGP EVPN, its transfer link, default route, SNAT rule and the SNAT address announced,
 * and for every floating IP associated through it, its DNAT rule and its /32 announced. What the
 * intent records before its saga has run shows as missing until the saga is done, as for ports.
 */
export async function intendedGatewayNodes(
  aggregates: AggregateStore,
): Promise<Map<string, GatewayNodeIntent>> {
  const nodes = new Map<string, ReturnType<typeof emptyIntent>>();
  const pool = await aggregates.load(streams.transferPool, transferPoolDecider);
  for (const resource of pool.state.resources.values()) {
    const [, tenantId = '', vpcId = ''] = gatewayPattern.exec(resource) ?? [];
    if (!vpcId) continue;
    const gateway = (
      await aggregates.load(streams.externalGateway(tenantId, vpcId), externalGatewayDecider)
    ).state;
    const vpc = (await aggregates.load(streams.vpc(tenantId, vpcId), vpcDecider)).state;
    // A gateway whose set-external-gateway failed was undone on the nodes: nothing is intended.
    if (gateway.status !== 'Active' || gateway.gatewayStatus === 'ERROR') continue;
    if (vpc.status !== 'Active') continue;
    const network = (
      await aggregates.load(
        streams.externalNetwork(gateway.externalNetworkId),
        externalNetworkDecider,
      )
    ).state;
    if (network.status !== 'Active') continue;
    const { routing } = vpc;
    const vrf = routing.vrfName;
    const dnats: DnatRuleState[] = [];
    for (const [name, privateAddress] of gateway.floatingIps) {
      const [, fipTenant = '', fipId = ''] = floatingIpPattern.exec(name) ?? [];
      const floatingIp = (
        await aggregates.load(streams.floatingIp(fipTenant, fipId), floatingIpDecider)
      ).state;
      if (floatingIp.status === 'Active') {
        dnats.push({ vrf, publicAddress: floatingIp.address, privateAddress });
      }
    }
    for (const node of network.gatewayNodes) {
      const intent = nodes.get(node) ?? emptyIntent();
      nodes.set(node, intent);
      intent.vrfs.push({
        name: vrf,
        l3Vni: routing.l3Vni,
        rd: routing.routeDistinguisher,
        importRts: routing.importRouteTargets,
        exportRts: routing.exportRouteTargets,
        bgpEvpn: true,
      });
      const { vrfAddress, gatewayAddress, snatAddress } = gateway;
      intent.gateway.transferLinks.push({ vrf, vrfAddress, gatewayAddress });
      intent.gateway.defaultRoutes.push({ vrf, nextHop: hostOf(gatewayAddress) });
      intent.gateway.snatRules.push({ vrf, publicAddress: snatAddress });
      intent.gateway.upstreamPrefixes.push(`${snatAddress}/32`);
      for (const dnat of dnats) {
        intent.gateway.dnatRules.push(dnat);
        intent.gateway.upstreamPrefixes.push(`${dnat.publicAddress}/32`);
      }
    }
  }
  return nodes;
}

/**
 * The external network each gateway node serves, as far as the intent's gateways know it: a drift
 * repair on the node queues behind that network's gateway and floating IP sagas.
 */
export async function gatewayNodeNetworks(
  aggregates: AggregateStore,
): Promise<Map<string, string>> {
  const networks = new Map<string, string>();
  const pool = await aggregates.load(streams.transferPool, transferPoolDecider);
  for (const resource of pool.state.resources.values()) {
    const [, tenantId = '', vpcId = ''] = gatewayPattern.exec(resource) ?? [];
    if (!vpcId) continue;
    const gateway = (
      await aggregates.load(streams.externalGateway(tenantId, vpcId), externalGatewayDecider)
    ).state;
    if (gateway.status !== 'Active' || networks.has(gateway.externalNetworkId)) continue;
    const network = (
      await aggregates.load(
        streams.externalNetwork(gateway.externalNetworkId),
        externalNetworkDecider,
      )
    ).state;
    if (network.status !== 'Active') continue;
    for (const node of network.gatewayNodes) networks.set(node, gateway.externalNetworkId);
  }
  return networks;
}
