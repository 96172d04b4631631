import type { EventMetadataInput } from '@loom/event-store';
import { portName, subnetName } from '@loom/names';
import { leafVlansDecider, vlanOfPort } from '../pools/leaf-vlans.decider';
import { IntentClaims, releaseTenantQuota } from '../shared/intent-claims';
import type { OperationIntent } from '../shared/operation-intents';
import { streams } from '../shared/streams';
import { allocationOf, subnetDecider, type SubnetState } from '../subnets/subnet.decider';
import type { PortBinding, PortDeleted } from './port.events';
import type { PortBindingInput } from './port.validation';

export type ActiveSubnet = Extract<SubnetState, { status: 'Active' }>;

export interface PortClaimRequest {
  readonly tenantId: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly portId: string;
  /** Empty for the next free address; the MAC undefined to generate one. */
  readonly fixedIp: string;
  readonly macAddress: string | undefined;
  readonly binding: PortBindingInput | undefined;
  /** A bare-metal port: its interface in access mode, for it alone. */
  readonly untagged: boolean;
}

export interface PortClaims {
  /** The subnet with the port's address allocated. */
  readonly subnet: ActiveSubnet;
  readonly ip: string;
  readonly macAddress: string;
  readonly binding: PortBinding | null;
}

/**
 * What a port create claims, each owned by its operation: its address and MAC in the subnet
 * (which refuses duplicates and reserved addresses), a unit of tenant quota and, when bound, its
 * subnet's VLAN on the leaf.
 */
export async function claimPort(
  intent: OperationIntent,
  request: PortClaimRequest,
  metadata: EventMetadataInput,
): Promise<PortClaims> {
  const { operation } = intent;
  const { tenantId, vpcId, subnetId, portId } = request;
  const name = portName(tenantId, vpcId, subnetId, portId);
  const target = { tenantId, vpcId, subnetId, portId, owner: operation };
  const allocated = await intent.execute(
    streams.subnet(tenantId, vpcId, subnetId),
    subnetDecider,
    {
      type: 'AllocateAddress',
      ...target,
      ip: request.fixedIp === '' ? undefined : request.fixedIp,
      macAddress: request.macAddress,
    },
    metadata,
    { type: 'ReleaseAddress', ...target },
  );
  const subnet = allocated.state;
  const address = allocationOf(subnet, portId);
  if (subnet.status !== 'Active' || address === undefined) {
    throw new Error(`no address recorded for ${name}`);
  }
  await new IntentClaims(intent, operation, metadata).tenantQuota(tenantId, 'ports');
  const bound = request.binding;
  if (!bound) return { subnet, ...address, binding: null };
  const leaf = bound.leafSwitch;
  const vlans = await intent.execute(
    streams.leafVlans(leaf),
    leafVlansDecider,
    {
      type: 'BindPortVlan',
      leaf,
      subnet: subnetName(tenantId, vpcId, subnetId),
      l2Vni: subnet.l2Vni,
      port: name,
      interface: bound.interface,
      vlan: bound.vlan === 0 ? undefined : bound.vlan,
      untagged: request.untagged,
      owner: operation,
    },
    metadata,
    { type: 'UnbindPortVlan', leaf, port: name, owner: operation },
  );
  const vlan = vlanOfPort(vlans.state, name);
  if (vlan === undefined) throw new Error(`no VLAN recorded for ${name}`);
  const binding = { host: bound.host, leafSwitch: leaf, interface: bound.interface, vlan };
  return { subnet, ...address, binding };
}

/**
 * What a port delete gives back, each claim as its creating operation owned it: the leaf's VLAN,
 * the address, the quota unit. Returns the subnet without the port's address.
 */
export async function releasePort(
  intent: OperationIntent,
  deleted: PortDeleted['data'],
  metadata: EventMetadataInput,
): Promise<ActiveSubnet> {
  const { tenantId, vpcId, subnetId, portId, binding, createdBy: owner } = deleted;
  const name = portName(tenantId, vpcId, subnetId, portId);
  if (binding) {
    const leaf = binding.leafSwitch;
    await intent.execute(
      streams.leafVlans(leaf),
      leafVlansDecider,
      { type: 'UnbindPortVlan', leaf, port: name, owner },
      metadata,
    );
  }
  const released = await intent.execute(
    streams.subnet(tenantId, vpcId, subnetId),
    subnetDecider,
    { type: 'ReleaseAddress', tenantId, vpcId, subnetId, portId, owner },
    metadata,
  );
  await releaseTenantQuota(intent, tenantId, 'ports', owner, metadata);
  if (released.state.status !== 'Active') throw new Error(`the subnet of ${name} is gone`);
  return released.state;
}
