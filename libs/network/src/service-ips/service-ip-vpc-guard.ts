import { FailedPreconditionError } from '@loom/errors';
import { vpcName } from '@loom/names';
import type { OperationIntent } from '../shared/operation-intents';
import { streams } from '../shared/streams';
import { serviceIpDecider } from './service-ip.decider';
import { serviceIpName } from './service-ip-names';

/** A VPC with a service IP cannot go: its VRF on the service node would be left behind. */
export async function refuseWhileServiceIp(
  intent: OperationIntent,
  tenantId: string,
  vpcId: string,
): Promise<void> {
  const state = await intent.read(streams.serviceIp(tenantId, vpcId), serviceIpDecider);
  if (state.status === 'Active') {
    throw new FailedPreconditionError(
      vpcName(tenantId, vpcId),
      'HAS_SERVICE_IP',
      `the VPC has a service IP: delete ${serviceIpName(tenantId, vpcId)} first`,
    );
  }
}
