import {
  newOperationId,
  type OperationService,
  type RequestedOperation,
} from '../operations/operation.service';
import type { RequestService } from '@loom/intents';
import { vpcDecider } from '../vpcs/vpc.decider';
import type { AggregateStore } from '@loom/intents';
import { IntentClaims, releaseTenantQuota, releaseVni } from '../shared/intent-claims';
import { InvalidArgumentError } from '@loom/errors';
import { checkDisplayName, checkEtag, checkResourceId } from '@loom/names';
import type { NetworkSettings } from '../shared/network-settings';
import { eventMetadata, type RequestContext } from '@loom/intents';
import { operationName, subnetName } from '@loom/names';
import { streams } from '../shared/streams';
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

/**
 * Subnet intents. Creating one claims the block inside the VPC (the VPC's stream refuses overlaps
 * and blocks outside the VPC), tenant quota and an L2 VNI, then records the subnet and its
 * operation, all in one transaction (see AggregateStore.transact).
 */
export class SubnetService {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly requests: RequestService,
    private readonly operations: OperationService,
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
    const outcome = await this.requests.transact(
      {
        tenantId,
        requestId: input.requestId,
        method: 'CreateSubnet',
        fingerprint: JSON.stringify([
          vpcId,
          subnetId,
          input.displayName,
          input.cidr,
          input.gatewayIp,
        ]),
        result: operationName(tenantId, newOperationId()),
      },
      context,
      async (operation, transaction) => {
        const cidrClaim = { tenantId, vpcId, subnetId, owner: operation };
        await transaction.execute(
          streams.vpc(tenantId, vpcId),
          vpcDecider,
          { type: 'ReserveSubnetCidr', ...cidrClaim, cidr: input.cidr },
          metadata,
          { type: 'ReleaseSubnetCidr', ...cidrClaim },
        );
        const claims = new IntentClaims(transaction, operation, metadata);
        await claims.tenantQuota(tenantId, 'subnets');
        const l2Vni = await claims.vni({
          stream: streams.l2VniPool,
          name: 'pools/l2-vni',
          range: this.settings.l2VniRange,
        });
        await transaction.execute(
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
            createdBy: operation,
          },
          metadata,
        );
        return this.operations.completeAtOnce(
          transaction,
          operation,
          subnetName(tenantId, vpcId, subnetId),
          'create',
          context,
        );
      },
    );
    return { name: outcome.result, recorded: outcome.value };
  }

  async update(
    tenantId: string,
    vpcId: string,
    subnetId: string,
    displayName: string | undefined,
    etag: string | undefined,
    context: RequestContext,
  ): Promise<void> {
    const violations = [
      ...checkEtag('subnet.etag', etag),
      ...(displayName === undefined ? [] : checkDisplayName('subnet.display_name', displayName)),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    if (displayName === undefined) return;
    await this.aggregates.execute(
      streams.subnet(tenantId, vpcId, subnetId),
      subnetDecider,
      { type: 'UpdateSubnet', tenantId, vpcId, subnetId, displayName, ...(etag ? { etag } : {}) },
      eventMetadata(context, tenantId),
    );
  }

  async delete(
    tenantId: string,
    vpcId: string,
    subnetId: string,
    etag: string | undefined,
    requestId: string | undefined,
    context: RequestContext,
  ): Promise<RequestedOperation> {
    const violations = checkEtag('etag', etag);
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const metadata = eventMetadata(context, tenantId, requestId);
    const outcome = await this.requests.transact(
      {
        tenantId,
        requestId,
        method: 'DeleteSubnet',
        fingerprint: JSON.stringify([vpcId, subnetId, etag ?? '']),
        result: operationName(tenantId, newOperationId()),
      },
      context,
      async (operation, transaction) => {
        const deleted = await transaction.execute(
          streams.subnet(tenantId, vpcId, subnetId),
          subnetDecider,
          { type: 'DeleteSubnet', tenantId, vpcId, subnetId, ...(etag ? { etag } : {}) },
          metadata,
        );
        const event = deleted.events[0];
        if (event?.type === 'SubnetDeleted') {
          const owner = event.data.createdBy;
          await transaction.execute(
            streams.vpc(tenantId, vpcId),
            vpcDecider,
            { type: 'ReleaseSubnetCidr', tenantId, vpcId, subnetId, owner },
            metadata,
          );
          await releaseVni(transaction, streams.l2VniPool, owner, metadata);
          await releaseTenantQuota(transaction, tenantId, 'subnets', owner, metadata);
        }
        return this.operations.completeAtOnce(
          transaction,
          operation,
          subnetName(tenantId, vpcId, subnetId),
          'delete',
          context,
        );
      },
    );
    return { name: outcome.result, recorded: outcome.value };
  }
}
