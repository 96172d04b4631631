import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '@loom/errors';
import { parsePortName, portName, vpcName } from '@loom/names';
import { externalNetworkDecider } from '../external/external-network.decider';
import { floatingIpDecider } from '../external/floating-ip.decider';
import { floatingIpName } from '../external/external-names';
import { portDecider } from '../ports/port.decider';
import type { OperationIntent } from '../shared/operation-intents';
import { streams } from '../shared/streams';
import { vpcDecider } from '../vpcs/vpc.decider';
import type { QosAttachment } from './qos-policy.events';

const floatingIpPattern = /^tenants\/([^/]+)\/floatingIps\/([^/]+)$/;

/**
 * Where a resource is shaped, read from its intent: a port (a VM's or a bare-metal server's) on
 * its leaf's access interface (bound and ACTIVE), a floating IP on its external network's gateway nodes, on the transfer link of the
 * VPC it is associated with (associated and ACTIVE). Another tenant's resource is NOT_FOUND.
 */
export async function placementOf(
  intent: Pick<OperationIntent, 'read'>,
  tenantId: string,
  resource: string,
  field: string,
): Promise<QosAttachment> {
  const floating = floatingIpPattern.exec(resource);
  if (floating) {
    const [, tenant = '', floatingIpId = ''] = floating;
    const name = floatingIpName(tenant, floatingIpId);
    if (tenant !== tenantId) throw new NotFoundError(name);
    const state = await intent.read(streams.floatingIp(tenant, floatingIpId), floatingIpDecider);
    if (state.status !== 'Active') throw new NotFoundError(name);
    if (!state.association || state.floatingIpStatus !== 'ACTIVE') {
      throw new FailedPreconditionError(
        name,
        'NOT_ASSOCIATED',
        'a QoS policy shapes a floating IP where it is translated: associate it with a port first',
      );
    }
    const vpc = await intent.read(streams.vpc(tenant, state.association.vpcId), vpcDecider);
    if (vpc.status !== 'Active') throw new NotFoundError(vpcName(tenant, state.association.vpcId));
    const network = await intent.read(
      streams.externalNetwork(state.externalNetworkId),
      externalNetworkDecider,
    );
    return {
      resource: name,
      placement: {
        kind: 'floatingIp',
        externalNetwork: state.externalNetworkId,
        nodes: network.status === 'Active' ? [...network.gatewayNodes] : [],
        vrf: vpc.routing.vrfName,
        publicAddress: state.address,
      },
    };
  }
  if (!resource.includes('/ports/')) {
    throw new InvalidArgumentError([
      { field, description: 'must name a port or a floating IP of the tenant' },
    ]);
  }
  const port = parsePortName(resource, field);
  const name = portName(port.tenant, port.vpc, port.subnet, port.port);
  if (port.tenant !== tenantId) throw new NotFoundError(name);
  const state = await intent.read(
    streams.port(port.tenant, port.vpc, port.subnet, port.port),
    portDecider,
  );
  if (state.status !== 'Active') throw new NotFoundError(name);
  if (!state.binding || state.portStatus !== 'ACTIVE') {
    throw new FailedPreconditionError(
      name,
      'PORT_NOT_ACTIVE',
      'a QoS policy shapes a port on its leaf: the port must be bound and ACTIVE',
    );
  }
  const { leafSwitch, interface: iface, vlan } = state.binding;
  return {
    resource: name,
    placement: { kind: 'port', leaf: leafSwitch, interface: iface, vlan, address: state.fixedIp },
  };
}
