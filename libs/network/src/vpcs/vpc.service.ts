import { newOperationId, type OperationService } from '../operations/operation.service';
import type { RequestService } from '../requests/request.service';
import type { AggregateStore } from '../shared/aggregate-store';
import { Compensations } from '../shared/compensations';
import { IntentClaims, releaseTenantQuota, releaseVni } from '../shared/intent-claims';
import { InvalidArgumentError } from '../shared/errors';
import { checkDisplayName, checkEtag, checkResourceId } from '../shared/identifiers';
import type { NetworkSettings } from '../shared/network-settings';
import { eventMetadata, type RequestContext } from '../shared/request-context';
import { operationName, vpcName } from '../shared/resource-names';
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
 * VPC intents. Creating one claims a unit of the tenant's quota and an L3 VNI, then records the
 * VPC; each claim is owned by the creating operation, so a retry finds its own claims and a
 * failure releases exactly those.
 */
export class VpcService {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly requests: RequestService,
    private readonly operations: OperationService,
    private readonly settings: NetworkSettings,
  ) {}

  async create(input: CreateVpcInput, context: RequestContext): Promise<string> {
    const violations = [
      ...checkResourceId('vpc_id', input.vpcId),
      ...checkDisplayName('vpc.display_name', input.displayName),
      ...checkCidrBlocks('vpc.cidr_blocks', input.cidrBlocks),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const { tenantId, vpcId } = input;
    const target = vpcName(tenantId, vpcId);
    const metadata = eventMetadata(context, tenantId, input.requestId);
    return this.requests.run(
      {
        tenantId,
        requestId: input.requestId,
        method: 'CreateVpc',
        fingerprint: JSON.stringify([vpcId, input.displayName, input.cidrBlocks]),
        result: operationName(tenantId, newOperationId()),
      },
      context,
      async (operation) => {
        const undo = new Compensations();
        await undo.run(async () => {
          const vpcStream = streams.vpc(tenantId, vpcId);
          undo.register(() =>
            this.aggregates.execute(
              vpcStream,
              vpcDecider,
              { type: 'ReleaseVpcName', tenantId, vpcId, createdBy: operation },
              metadata,
            ),
          );
          await this.aggregates.execute(
            vpcStream,
            vpcDecider,
            { type: 'ReserveVpcName', tenantId, vpcId, createdBy: operation },
            metadata,
          );
          const claims = new IntentClaims(this.aggregates, undo, operation, metadata);
          await claims.tenantQuota(tenantId, 'vpcs');
          const l3Vni = await claims.vni({
            stream: streams.l3VniPool,
            name: 'pools/l3-vni',
            range: this.settings.l3VniRange,
          });
          await this.aggregates.execute(
            streams.vpc(tenantId, vpcId),
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
        });
        await this.operations.completeAtOnce(operation, target, 'create', context);
      },
    );
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
  ): Promise<string> {
    const violations = checkEtag('etag', etag);
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const target = vpcName(tenantId, vpcId);
    const metadata = eventMetadata(context, tenantId, requestId);
    return this.requests.run(
      {
        tenantId,
        requestId,
        method: 'DeleteVpc',
        fingerprint: JSON.stringify([vpcId, etag ?? '']),
        result: operationName(tenantId, newOperationId()),
      },
      context,
      async (operation) => {
        const deleted = await this.aggregates.execute(
          streams.vpc(tenantId, vpcId),
          vpcDecider,
          { type: 'DeleteVpc', tenantId, vpcId, ...(etag ? { etag } : {}) },
          metadata,
        );
        const event = deleted.events[0];
        if (event?.type === 'VpcDeleted') {
          const owner = event.data.createdBy;
          await releaseVni(this.aggregates, streams.l3VniPool, owner, metadata);
          await releaseTenantQuota(this.aggregates, tenantId, 'vpcs', owner, metadata);
        }
        await this.operations.completeAtOnce(operation, target, 'delete', context);
      },
    );
  }
}
