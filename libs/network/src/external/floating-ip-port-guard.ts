import { FailedPreconditionError } from '@loom/errors';
import { portName } from '@loom/names';
import type { IntentTransaction } from '@loom/intents';
import { portDecider } from '../ports/port.decider';
import { streams } from '../shared/streams';
import { externalGatewayDecider } from './external-gateway.decider';

/**
 * Refuses to delete a port while a floating IP is associated with it: its DNAT on the gateway
 * nodes would point at an address that is gone. The VPC's gateway records each associated
 * floating IP with its fixed IP, which is unique in the VPC (its subnets do not overlap).
 */
export async function refuseWhileFloatingIpAssociated(
  intent: Pick<IntentTransaction, 'read'>,
  port: { tenantId: string; vpcId: string; subnetId: string; portId: string },
): Promise<void> {
  const { tenantId, vpcId, subnetId, portId } = port;
  const state = await intent.read(streams.port(tenantId, vpcId, subnetId, portId), portDecider);
  if (state.status !== 'Active') return;
  const gateway = await intent.read(
    streams.externalGateway(tenantId, vpcId),
    externalGatewayDecider,
  );
  if (gateway.status !== 'Active') return;
  const associated = [...gateway.floatingIps]
    .filter(([, privateAddress]) => privateAddress === state.fixedIp)
    .map(([floatingIp]) => floatingIp);
  if (associated.length > 0) {
    throw new FailedPreconditionError(
      portName(tenantId, vpcId, subnetId, portId),
      'HAS_FLOATING_IP',
      `floating IP ${associated.join(', ')} is associated with the port: disassociate it first`,
    );
  }
}
