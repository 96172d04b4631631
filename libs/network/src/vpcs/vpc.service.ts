import { InvalidArgumentError } from '@loom/errors';
import { eventMetadata, type IntentRuntime, type RequestContext } from '@loom/intents';
import { checkDisplayName, checkResourceId, vpcName, type VpcName } from '@loom/names';
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
import { refuseWhileServiceIp } from '../service-ips/service-ip-vpc-guard';
import { vpcDecider } from './vpc.decider';
import { vpcRouting } from './vpc-routing';
import { checkCidrBlocks } from './vpc.validation';

export interface CreateVpcInput {
  readonly tenantId: string;
  readonly vpcId: string;
  readonly displayName: string;
  readonly cidrBlocks: readonly string[];
  readonly requestId: string | undefined;
}

export interface VpcUpdate extends DisplayNameUpdate {
  readonly name: VpcName;
}

export interface VpcDeletion extends ResourceDeletion {
  readonly name: VpcName;
}

/**
 * VPC intents. Creating one reserves its name, claims a unit of the tenant's quota and an L3 VNI,
 * then records the VPC and its operation, all in one commit (see OperationIntents); each claim is
 * owned by the creating operation, so a retry finds its own claims.
 */
export class VpcService {
  constructor(
    private readonly intents: OperationIntents,
    private readonly runtime: IntentRuntime,
    private readonly settings: NetworkSettings,
  ) {}

  async create(input: CreateVpcInput, context: RequestContext): Promise<RequestedOperation> {
    const violations = [
      ...checkResourceId('vpc_id', input.vpcId),
      ...checkDisplayName('vpc.display_name', input.displayName),
      ...checkCidrBlocks('vpc.cidr_blocks', input.cidrBlocks),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const { tenantId, vpcId } = input;
    const metadata = eventMetadata(context, tenantId, input.requestId);
    const vpcStream = streams.vpc(tenantId, vpcId);
    return this.intents.submit(
      {
        tenantId,
        requestId: input.requestId,
        method: 'CreateVpc',
        payload: [vpcId, input.displayName, input.cidrBlocks],
        target: vpcName(tenantId, vpcId),
        verb: 'create',
      },
      context,
      async (intent) => {
        const { operation } = intent;
        await intent.execute(
          vpcStream,
          vpcDecider,
          { type: 'ReserveVpcName', tenantId, vpcId, createdBy: operation },
          metadata,
          { type: 'ReleaseVpcName', tenantId, vpcId, createdBy: operation },
        );
        const l3Vni = await new IntentClaims(intent, operation, metadata).tenantQuotaAndVni(
          tenantId,
          'vpcs',
          { stream: streams.l3VniPool, name: 'pools/l3-vni', range: this.settings.l3VniRange },
        );
        await intent.execute(
          vpcStream,
          vpcDecider,
          {
            type: 'CreateVpc',
            tenantId,
            vpcId,
            displayName: input.displayName,
            cidrBlocks: input.cidrBlocks,
            routing: vpcRouting(l3Vni, this.settings.asn),
            createdBy: operation,
          },
          metadata,
        );
      },
    );
  }

  async update(update: VpcUpdate, context: RequestContext): Promise<void> {
    const displayName = checkDisplayNameUpdate('vpc', update);
    if (displayName === undefined) return;
    const { tenant: tenantId, vpc: vpcId } = update.name;
    await this.runtime.execute(
      streams.vpc(tenantId, vpcId),
      vpcDecider,
      { type: 'UpdateVpc', tenantId, vpcId, displayName, ...etagOf(update.etag) },
      eventMetadata(context, tenantId),
    );
  }

  async delete(deletion: VpcDeletion, context: RequestContext): Promise<RequestedOperation> {
    checkDeletion(deletion);
    const { tenant: tenantId, vpc: vpcId } = deletion.name;
    const metadata = eventMetadata(context, tenantId, deletion.requestId);
    return this.intents.submit(
      {
        tenantId,
        requestId: deletion.requestId,
        method: 'DeleteVpc',
        payload: [vpcId, deletion.etag ?? ''],
        target: vpcName(tenantId, vpcId),
        verb: 'delete',
      },
      context,
      async (intent) => {
        await refuseWhileServiceIp(intent, tenantId, vpcId);
        const deleted = await intent.execute(
          streams.vpc(tenantId, vpcId),
          vpcDecider,
          { type: 'DeleteVpc', tenantId, vpcId, ...etagOf(deletion.etag) },
          metadata,
        );
        const event = deleted.events[0];
        if (event?.type !== 'VpcDeleted') return;
        const owner = event.data.createdBy;
        await releaseVni(intent, streams.l3VniPool, owner, metadata);
        await releaseTenantQuota(intent, tenantId, 'vpcs', owner, metadata);
      },
    );
  }
}
