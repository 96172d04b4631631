import {
  newOperationId,
  type OperationService,
  type RequestedOperation,
} from '../operations/operation.service';
import type { RequestService } from '@loom/intents';
import type { AggregateStore } from '@loom/intents';
import { IntentClaims, releaseTenantQuota, releaseVni } from '../shared/intent-claims';
import { InvalidArgumentError } from '@loom/errors';
import { checkDisplayName, checkEtag, checkResourceId } from '@loom/names';
import type { NetworkSettings } from '../shared/network-settings';
import { eventMetadata, type RequestContext } from '@loom/intents';
import { operationName, vpcName } from '@loom/names';
import { streams } from '../shared/streams';
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

/**
 * VPC intents. Creating one reserves its name, claims a unit of the tenant's quota and an L3 VNI,
 * then records the VPC and its operation, all in one transaction (see AggregateStore.transact);
 * each claim is owned by the creating operation, so a retry finds its own claims.
 */
export class VpcService {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly requests: RequestService,
    private readonly operations: OperationService,
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
    const target = vpcName(tenantId, vpcId);
    const metadata = eventMetadata(context, tenantId, input.requestId);
    const vpcStream = streams.vpc(tenantId, vpcId);
    const outcome = await this.requests.transact(
      {
        tenantId,
        requestId: input.requestId,
        method: 'CreateVpc',
        fingerprint: JSON.stringify([vpcId, input.displayName, input.cidrBlocks]),
        result: operationName(tenantId, newOperationId()),
      },
      context,
      async (operation, transaction) => {
        await transaction.execute(
          vpcStream,
          vpcDecider,
          { type: 'ReserveVpcName', tenantId, vpcId, createdBy: operation },
          metadata,
          { type: 'ReleaseVpcName', tenantId, vpcId, createdBy: operation },
        );
        const claims = new IntentClaims(transaction, operation, metadata);
        await claims.tenantQuota(tenantId, 'vpcs');
        const l3Vni = await claims.vni({
          stream: streams.l3VniPool,
          name: 'pools/l3-vni',
          range: this.settings.l3VniRange,
        });
        await transaction.execute(
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
        return this.operations.completeAtOnce(transaction, operation, target, 'create', context);
      },
    );
    return { name: outcome.result, recorded: outcome.value };
  }

  async update(
    tenantId: string,
    vpcId: string,
    displayName: string | undefined,
    etag: string | undefined,
    context: RequestContext,
  ): Promise<void> {
    const violations = [
      ...checkEtag('vpc.etag', etag),
      ...(displayName === undefined ? [] : checkDisplayName('vpc.display_name', displayName)),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    if (displayName === undefined) return;
    await this.aggregates.execute(
      streams.vpc(tenantId, vpcId),
      vpcDecider,
      { type: 'UpdateVpc', tenantId, vpcId, displayName, ...(etag ? { etag } : {}) },
      eventMetadata(context, tenantId),
    );
  }

  async delete(
    tenantId: string,
    vpcId: string,
    etag: string | undefined,
    requestId: string | undefined,
    context: RequestContext,
  ): Promise<RequestedOperation> {
    const violations = checkEtag('etag', etag);
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const target = vpcName(tenantId, vpcId);
    const metadata = eventMetadata(context, tenantId, requestId);
    const outcome = await this.requests.transact(
      {
        tenantId,
        requestId,
        method: 'DeleteVpc',
        fingerprint: JSON.stringify([vpcId, etag ?? '']),
        result: operationName(tenantId, newOperationId()),
      },
      context,
      async (operation, transaction) => {
        const deleted = await transaction.execute(
          streams.vpc(tenantId, vpcId),
          vpcDecider,
          { type: 'DeleteVpc', tenantId, vpcId, ...(etag ? { etag } : {}) },
          metadata,
        );
        const event = deleted.events[0];
        if (event?.type === 'VpcDeleted') {
          const owner = event.data.createdBy;
          await releaseVni(transaction, streams.l3VniPool, owner, metadata);
          await releaseTenantQuota(transaction, tenantId, 'vpcs', owner, metadata);
        }
        return this.operations.completeAtOnce(transaction, operation, target, 'delete', context);
      },
    );
    return { name: outcome.result, recorded: outcome.value };
  }
}
