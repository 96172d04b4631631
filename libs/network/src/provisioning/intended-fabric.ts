import {
  normalizeDeviceState,
  type DeviceState,
  type FabricState,
  type L2VniState,
  type VrfState,
} from '@loom/fabric';
import { intendedGatewayNodes, type GatewayNodeIntent } from '../external/gateway-intent';
import { leafVlansDecider } from '../pools/leaf-vlans.decider';
import { intendedServiceNodes, type ServiceNodeIntent } from '../service-ips/service-ip-intent';
import { intendedShaping, type DeviceShapingIntent } from '../qos/qos-intent';
import type { AggregateStore } from '@loom/intents';
import { streams } from '../shared/streams';
import { subnetDecider, type SubnetState } from '../subnets/subnet.decider';
import { vpcDecider, type VpcState } from '../vpcs/vpc.decider';
import { anycastGatewayMac } from './provisioning.input';

type ActiveSubnet = Extract<SubnetState, { status: 'Active' }>;
type ActiveVpc = Extract<VpcState, { status: 'Active' }>;

/** `tenants/{t}/vpcs/{v}/subnets/{s}`, as the leaf's intent names the subnet of a VLAN. */
const subnetNamePattern = /^tenants\/([^/]+)\/vpcs\/([^/]+)\/subnets\/([^/]+)$/;

/** The gateway address with the subnet's prefix length, as bindL2Vni takes it (`10.0.1.1/24`). */
export function anycastGatewayOf(subnet: { gatewayIp: string; cidr: string }): string {
  return `${subnet.gatewayIp}/${subnet.cidr.split('/')[1] ?? ''}`;
}

/**
 * Reads subnets and VPCs once per computation: many VLANs on many leaves share them. Each read
 * goes through the aggregate store, which reads the stream's new tail, so the answer is current
 * even when another replica wrote.
 */
class IntentReader {
  private readonly subnets = new Map<string, Promise<SubnetState>>();
  private readonly vpcs = new Map<string, Promise<VpcState>>();
  private gatewayNodes: Promise<Map<string, GatewayNodeIntent>> | undefined;
  private serviceNodes: Promise<Map<string, ServiceNodeIntent>> | undefined;
  private shaping: Promise<Map<string, DeviceShapingIntent>> | undefined;

  constructor(private readonly aggregates: AggregateStore) {}

  /** What the external gateways and floating IPs put on `device` if it is a gateway node. */
  private async gatewayNode(device: string): Promise<GatewayNodeIntent | undefined> {
    this.gatewayNodes ??= intendedGatewayNodes(this.aggregates);
    return (await this.gatewayNodes).get(device);
  }

  /** What the service IPs put on `device` if it is their service node. */
  private async serviceNode(device: string): Promise<ServiceNodeIntent | undefined> {
    this.serviceNodes ??= intendedServiceNodes(this.aggregates);
    return (await this.serviceNodes).get(device);
  }

  subnet(tenantId: string, vpcId: string, subnetId: string): Promise<SubnetState> {
    const stream = streams.subnet(tenantId, vpcId, subnetId);
    let found = this.subnets.get(stream);
    if (!found) {
      found = this.aggregates.load(stream, subnetDecider).then(({ state }) => state);
      this.subnets.set(stream, found);
    }
    return found;
  }

  vpc(tenantId: string, vpcId: string): Promise<VpcState> {
    const stream = streams.vpc(tenantId, vpcId);
    let found = this.vpcs.get(stream);
    if (!found) {
      found = this.aggregates.load(stream, vpcDecider).then(({ state }) => state);
      this.vpcs.set(stream, found);
    }
    return found;
  }

  /** The subnet of a leaf VLAN with its VPC; undefined if either is gone (then nothing is intended). */
  async subnetWithVpc(name: string): Promise<{ subnet: ActiveSubnet; vpc: ActiveVpc } | undefined> {
    const [, tenantId = '', vpcId = '', subnetId = ''] = subnetNamePattern.exec(name) ?? [];
    if (!subnetId) return undefined;
    const [subnet, vpc] = await Promise.all([
      this.subnet(tenantId, vpcId, subnetId),
      this.vpc(tenantId, vpcId),
    ]);
    if (subnet.status !== 'Active' || vpc.status !== 'Active') return undefined;
    return { subnet, vpc };
  }

  async device(leaf: string): Promise<DeviceState> {
    const { state } = await this.aggregates.load(streams.leafVlans(leaf), leafVlansDecider);
    const vrfs = new Map<string, VrfState>();
    const l2Vnis: L2VniState[] = [];
    for (const [vlan, use] of state.vlans) {
      const found = await this.subnetWithVpc(use.subnet);
      // The subnet holds its ports' addresses, so it outlives every port bound here; a missing
      // one would be a broken stream, and without its L2 VNI nothing can be intended for it.
      if (!found) continue;
      const { routing } = found.vpc;
      vrfs.set(routing.vrfName, {
        name: routing.vrfName,
        l3Vni: routing.l3Vni,
        rd: routing.routeDistinguisher,
        importRts: routing.importRouteTargets,
        exportRts: routing.exportRouteTargets,
        bgpEvpn: true,
      });
      l2Vnis.push({
        l2Vni: found.subnet.l2Vni,
        vrf: routing.vrfName,
        vlan,
        anycastGateway: anycastGatewayOf(found.subnet),
        gatewayMac: anycastGatewayMac,
        // Ports of one subnet behind the same interface (VMs on one trunk) share one binding;
        // a bare-metal port has its interface to itself, untagged.
        interfaces: [...use.ports.values()].flatMap((port) =>
          port.untagged ? [] : port.interface,
        ),
        untaggedInterfaces: [...use.ports.values()].flatMap((port) =>
          port.untagged ? port.interface : [],
        ),
      });
    }
    // A gateway node holds VPC VRFs and NAT state for the external gateways it serves.
    const gateway = await this.gatewayNode(leaf);
    for (const vrf of gateway?.vrfs ?? []) vrfs.set(vrf.name, vrf);
    // A border leaf holds VPC VRFs and the service state of the service IPs it serves.
    const service = await this.serviceNode(leaf);
    for (const vrf of service?.vrfs ?? []) vrfs.set(vrf.name, vrf);
    // What QoS policies shape on it: its ports' access interfaces, a gateway node's floating IPs.
    this.shaping ??= intendedShaping(this.aggregates);
    const shaping = (await this.shaping).get(leaf);
    return normalizeDeviceState({
      vrfs: [...vrfs.values()],
      l2Vnis,
      prefixes: [],
      ...(gateway ? { gateway: gateway.gateway } : {}),
      ...(shaping ? { shaping } : {}),
      ...(service ? { service: service.service } : {}),
    });
  }
}

/**
 * The configuration the intent implies on one leaf, in the drivers' DeviceState shape: for every
 * VLAN the leaf's intent (`leaf-vlans-{leaf}`) holds, its subnet's L2 VNI with the anycast gateway
 * and the interfaces of the subnet's ports there, and the VPC's VRF with BGP EVPN.
 *
 * Every port bound in the leaf's intent counts, whatever its status: a port whose saga is still
 * running (or queued) shows as missing configuration until it finishes, which is the truth about
 * the device. A port whose provisioning failed is let go by the intent (port-fabric-outcomes), so
 * it is not intended either.
 */
export function intendedDeviceState(
  aggregates: AggregateStore,
  leaf: string,
): Promise<DeviceState> {
  return new IntentReader(aggregates).device(leaf);
}

/** intendedDeviceState for each of `devices` (the ones that carry tenants), keyed by name. */
export async function intendedFabricState(
  aggregates: AggregateStore,
  devices: readonly string[],
): Promise<FabricState> {
  const reader = new IntentReader(aggregates);
  return Object.fromEntries(
    await Promise.all(
      devices.map(async (device) => [device, await reader.device(device)] as const),
    ),
  );
}
