import { InvalidArgumentError } from '@loom/errors';
import { eventMetadata, type IntentRuntime, type RequestContext } from '@loom/intents';
import { checkDisplayName, checkResourceId, subnetName, type SubnetName } from '@loom/names';
import type { RequestedOperation } from '../operations/operation.service';
import { IntentClaims, releaseTenantQuota, releaseVni } from '../shared/intent-claims';
import type { NetworkSettings } from '../shared/network-settings';
import type { OperationIntents } from '../shared/operation-intents';
import {
  checkDeletion,
  checkDisplayNameUpdate,
  etagOf,
  type DisplayNameUpdate,
  type ResourceDeletion,
} from '../shared/resource-changes';
import { streams } from '../shared/streams';
import { vpcDecider } from '../vpcs/vpc.decider';
import { subnetDecider } from './subnet.decider';
import { checkSubnetAddressing } from './subnet.validation';

export interface CreateSubnetInput {
  readonly tenantId: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly displayName: string;
  readonly cidr: string;
  readonly gatewayIp: string;
  readonly requestId: string | undefined;
}

export interface SubnetUpdate extends DisplayNameUpdate {
  readonly name: SubnetName;
}

export interface SubnetDeletion extends ResourceDeletion {
  readonly name: SubnetName;
}

/**
 * Subnet intents. Creating one claims the block inside the VPC (the VPC's stream refuses overlaps
 * and blocks outside the VPC), tenant quota and an L2 VNI, then records the subnet and its
 * operation, all in one commit (see OperationIntents).
 */
export class SubnetService {
  constructor(
    private readonly intents: OperationIntents,
    private readonly runtime: IntentRuntime,
    private readonly settings: NetworkSettings,
  ) {}

  async create(input: CreateSubnetInput, context: RequestContext): Promise<RequestedOperation> {
    const addressing = checkSubnetAddressing(input.cidr, input.gatewayIp);
    const violations = [
      ...checkResourceId('subnet_id', input.subnetId),
      ...checkDisplayName('subnet.display_name', input.displayName),
      ...addressing.violations,
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const { tenantId, vpcId, subnetId } = input;
    const metadata = eventMetadata(context, tenantId, input.requestId);
    return this.intents.submit(
      {
        tenantId,
        requestId: input.requestId,
        method: 'CreateSubnet',
        payload: [vpcId, subnetId, input.displayName, input.cidr, input.gatewayIp],
        target: subnetName(tenantId, vpcId, subnetId),
        verb: 'create',
      },
      context,
      async (intent) => {
        const cidrClaim = { tenantId, vpcId, subnetId, owner: intent.operation };
        await intent.execute(
          streams.vpc(tenantId, vpcId),
          vpcDecider,
          { type: 'ReserveSubnetCidr', ...cidrClaim, cidr: input.cidr },
          metadata,
          { type: 'ReleaseSubnetCidr', ...cidrClaim },
        );
        const l2Vni = await new IntentClaims(intent, intent.operation, metadata).tenantQuotaAndVni(
          tenantId,
          'subnets',
          { stream: streams.l2VniPool, name: 'pools/l2-vni', range: this.settings.l2VniRange },
        );
        await intent.execute(
          streams.subnet(tenantId, vpcId, subnetId),
          subnetDecider,
          {
            type: 'CreateSubnet',
            tenantId,
            vpcId,
            subnetId,
            displayName: input.displayName,
            cidr: input.cidr,
            gatewayIp: addressing.gatewayIp,
            l2Vni,
            createdBy: intent.operation,
          },
          metadata,
        );
      },
    );
  }

  async update(update: SubnetUpdate, context: RequestContext): Promise<void> {
    const displayName = checkDisplayNameUpdate('subnet', update);
    if (displayName === undefined) return;
    const { tenant: tenantId, vpc: vpcId, subnet: subnetId } = update.name;
    await this.runtime.execute(
      streams.subnet(tenantId, vpcId, subnetId),
      subnetDecider,
      { type: 'UpdateSubnet', tenantId, vpcId, subnetId, displayName, ...etagOf(update.etag) },
      eventMetadata(context, tenantId),
    );
  }

  async delete(deletion: SubnetDeletion, context: RequestContext): Promise<RequestedOperation> {
    checkDeletion(deletion);
    const { tenant: tenantId, vpc: vpcId, subnet: subnetId } = deletion.name;
    const metadata = eventMetadata(context, tenantId, deletion.requestId);
    return this.intents.submit(
      {
        tenantId,
        requestId: deletion.requestId,
        method: 'DeleteSubnet',
        payload: [vpcId, subnetId, deletion.etag ?? ''],
        target: subnetName(tenantId, vpcId, subnetId),
        verb: 'delete',
      },
      context,
      async (intent) => {
        const deleted = await intent.execute(
          streams.subnet(tenantId, vpcId, subnetId),
          subnetDecider,
          { type: 'DeleteSubnet', tenantId, vpcId, subnetId, ...etagOf(deletion.etag) },
          metadata,
        );
        const event = deleted.events[0];
        if (event?.type !== 'SubnetDeleted') return;
        const owner = event.data.createdBy;
        await intent.execute(
          streams.vpc(tenantId, vpcId),
          vpcDecider,
          { type: 'ReleaseSubnetCidr', tenantId, vpcId, subnetId, owner },
          metadata,
        );
        await releaseVni(intent, streams.l2VniPool, owner, metadata);
        await releaseTenantQuota(intent, tenantId, 'subnets', owner, metadata);
      },
    );
  }
}
