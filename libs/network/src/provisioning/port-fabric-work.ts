import { NotFoundError } from '@loom/errors';
import { subnetName, vpcName } from '@loom/names';
import type { SagaType } from '@loom/sagas';
import type { PortBinding } from '../ports/port.events';
import type { OperationIntent, OperationWork } from '../shared/operation-intents';
import { streams } from '../shared/streams';
import type { SubnetState } from '../subnets/subnet.decider';
import { vpcDecider } from '../vpcs/vpc.decider';
import { leafResourceKey } from './fabric-placement';
import { anycastGatewayOf } from './intended-fabric';
import type { PortFabricInput } from './provisioning.input';

type ActiveSubnet = Extract<SubnetState, { status: 'Active' }>;

/**
 * A port's fabric work on its leaf (a provision-port or deprovision-port saga), with the input
 * the saga replays from: the subnet's as the intent decided on it, the VPC's routing (set when
 * the VPC was created, and the VPC cannot go while the subnet holds the port's address).
 */
export async function portFabricWork(
  intent: OperationIntent,
  saga: SagaType<PortFabricInput>,
  port: {
    readonly name: string;
    readonly subnet: ActiveSubnet;
    readonly binding: PortBinding;
    /** A bare-metal port: bound in access mode. */
    readonly untagged: boolean;
  },
): Promise<OperationWork<PortFabricInput>> {
  const { subnet, binding } = port;
  const { tenantId, vpcId } = subnet;
  const vpc = await intent.read(streams.vpc(tenantId, vpcId), vpcDecider);
  if (vpc.status !== 'Active') throw new NotFoundError(vpcName(tenantId, vpcId));
  return {
    saga,
    resourceKey: leafResourceKey(binding.leafSwitch),
    input: {
      operation: intent.operation,
      leaf: binding.leafSwitch,
      port: port.name,
      vpc: { name: vpcName(tenantId, vpcId), routing: vpc.routing },
      subnet: {
        name: subnetName(tenantId, vpcId, subnet.subnetId),
        l2Vni: subnet.l2Vni,
        anycastGateway: anycastGatewayOf(subnet),
      },
      binding: {
        interface: binding.interface,
        vlan: binding.vlan,
        ...(port.untagged ? { untagged: true } : {}),
      },
    },
  };
}
