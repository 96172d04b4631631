import { InvalidArgumentError, NotFoundError } from '@loom/errors';
import { eventMetadata, type RequestContext } from '@loom/intents';
import { checkResourceId, vpcName, type VpcName } from '@loom/names';
import type { RequestedOperation } from '../operations/operation.service';
import { defaultTransferPool, type NetworkSettings } from '../shared/network-settings';
import type { OperationIntent, OperationIntents } from '../shared/operation-intents';
import { checkDeletion, etagOf, type ResourceDeletion } from '../shared/resource-changes';
import { streams } from '../shared/streams';
import { vpcDecider } from '../vpcs/vpc.decider';
import type { ExternalGatewayFabricInput } from './external-fabric.input';
import {
  clearExternalGatewaySaga,
  externalNetworkResourceKey,
  setExternalGatewaySaga,
} from './external-fabric.saga-types';
import { externalGatewayDecider } from './external-gateway.decider';
import type { ExternalGatewayDeleted } from './external-gateway.events';
import { externalGatewayName, externalNetworkName } from './external-names';
import { externalNetworkDecider, publicAddressOf } from './external-network.decider';
import { transferBlockOf, transferEnds, transferPoolDecider } from './transfer-pool.decider';

export interface CreateExternalGatewayInput {
  readonly tenantId: string;
  readonly vpcId: string;
  readonly externalNetworkId: string;
  readonly requestId: string | undefined;
}

export interface ExternalGatewayDeletion extends ResourceDeletion {
  readonly name: VpcName;
}

/**
 * VPC external gateway intents. Creating one claims the VPC's transfer /31 and an SNAT address
 * of the external network, records the gateway on the VPC (which then cannot be deleted) and
 * starts set-external-gateway on the network's gateway nodes, all in one commit; deleting one
 * (refused while floating IPs are associated through it) gives both back and starts
 * clear-external-gateway.
 */
export class ExternalGatewayService {
  constructor(
    private readonly intents: OperationIntents,
    private readonly settings: NetworkSettings,
  ) {}

  async create(
    input: CreateExternalGatewayInput,
    context: RequestContext,
  ): Promise<RequestedOperation> {
    const violations = checkResourceId(
      'external_gateway.external_network',
      input.externalNetworkId,
    );
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const { tenantId, vpcId, externalNetworkId } = input;
    const name = externalGatewayName(tenantId, vpcId);
    const metadata = eventMetadata(context, tenantId, input.requestId);
    return this.intents.submit(
      {
        tenantId,
        requestId: input.requestId,
        method: 'CreateExternalGateway',
        payload: [vpcId, externalNetworkId],
        target: name,
        verb: 'create',
      },
      context,
      async (intent) => {
        const { operation } = intent;
        const vpc = await intent.read(streams.vpc(tenantId, vpcId), vpcDecider);
        if (vpc.status !== 'Active') throw new NotFoundError(vpcName(tenantId, vpcId));
        await intent.execute(
          streams.vpc(tenantId, vpcId),
          vpcDecider,
          { type: 'AttachExternalGateway', tenantId, vpcId, externalNetworkId, owner: operation },
          metadata,
          { type: 'DetachExternalGateway', tenantId, vpcId, owner: operation },
        );
        const network = await intent.execute(
          streams.externalNetwork(externalNetworkId),
          externalNetworkDecider,
          {
            type: 'AllocatePublicAddress',
            externalNetworkId,
            owner: operation,
            field: 'external_gateway.snat_address',
          },
          metadata,
          { type: 'ReleasePublicAddress', externalNetworkId, owner: operation },
        );
        const snatAddress = publicAddressOf(network.state, operation);
        if (network.state.status !== 'Active' || snatAddress === undefined) {
          throw new NotFoundError(externalNetworkName(externalNetworkId));
        }
        const pool = await intent.execute(
          streams.transferPool,
          transferPoolDecider,
          {
            type: 'AllocateTransferBlock',
            pool: this.settings.transferPool ?? defaultTransferPool,
            owner: operation,
            resource: name,
          },
          metadata,
          { type: 'ReleaseTransferBlock', owner: operation },
        );
        const transferBlock = transferBlockOf(pool.state, operation);
        if (transferBlock === undefined) throw new Error(`no transfer block recorded for ${name}`);
        const ends = transferEnds(transferBlock);
        await intent.execute(
          streams.externalGateway(tenantId, vpcId),
          externalGatewayDecider,
          {
            type: 'CreateExternalGateway',
            tenantId,
            vpcId,
            externalNetworkId,
            transferBlock,
            ...ends,
            snatAddress,
            createdBy: operation,
          },
          metadata,
        );
        intent.startFabricWork({
          saga: setExternalGatewaySaga,
          resourceKey: externalNetworkResourceKey(externalNetworkId),
          input: {
            operation,
            gateway: name,
            gatewayNodes: { externalNetwork: externalNetworkId, nodes: network.state.gatewayNodes },
            routing: vpc.routing,
            transfer: ends,
            snatAddress,
          },
        });
      },
    );
  }

  async delete(
    deletion: ExternalGatewayDeletion,
    context: RequestContext,
  ): Promise<RequestedOperation> {
    checkDeletion(deletion);
    const { tenant: tenantId, vpc: vpcId } = deletion.name;
    const name = externalGatewayName(tenantId, vpcId);
    const metadata = eventMetadata(context, tenantId, deletion.requestId);
    return this.intents.submit(
      {
        tenantId,
        requestId: deletion.requestId,
        method: 'DeleteExternalGateway',
        payload: [vpcId, deletion.etag ?? ''],
        target: name,
        verb: 'delete',
      },
      context,
      async (intent) => {
        const deleted = await intent.execute(
          streams.externalGateway(tenantId, vpcId),
          externalGatewayDecider,
          { type: 'DeleteExternalGateway', tenantId, vpcId, ...etagOf(deletion.etag) },
          metadata,
        );
        const event = deleted.events[0];
        if (event?.type !== 'ExternalGatewayDeleted') throw new NotFoundError(name);
        intent.startFabricWork(await this.release(intent, event.data, metadata));
      },
    );
  }

  /** Gives back the gateway's claims, as its creating operation owned them; returns its clearing. */
  private async release(
    intent: OperationIntent,
    deleted: ExternalGatewayDeleted['data'],
    metadata: ReturnType<typeof eventMetadata>,
  ) {
    const { tenantId, vpcId, externalNetworkId, createdBy: owner } = deleted;
    await intent.execute(
      streams.vpc(tenantId, vpcId),
      vpcDecider,
      { type: 'DetachExternalGateway', tenantId, vpcId, owner },
      metadata,
    );
    await intent.execute(
      streams.transferPool,
      transferPoolDecider,
      { type: 'ReleaseTransferBlock', owner },
      metadata,
    );
    const network = await intent.execute(
      streams.externalNetwork(externalNetworkId),
      externalNetworkDecider,
      { type: 'ReleasePublicAddress', externalNetworkId, owner },
      metadata,
    );
    const vpc = await intent.read(streams.vpc(tenantId, vpcId), vpcDecider);
    if (vpc.status !== 'Active') throw new NotFoundError(vpcName(tenantId, vpcId));
    const input: ExternalGatewayFabricInput = {
      operation: intent.operation,
      gateway: externalGatewayName(tenantId, vpcId),
      gatewayNodes: {
        externalNetwork: externalNetworkId,
        nodes: network.state.status === 'Active' ? network.state.gatewayNodes : [],
      },
      routing: vpc.routing,
      transfer: { vrfAddress: deleted.vrfAddress, gatewayAddress: deleted.gatewayAddress },
      snatAddress: deleted.snatAddress,
    };
    return {
      saga: clearExternalGatewaySaga,
      resourceKey: externalNetworkResourceKey(externalNetworkId),
      input,
    };
  }
}
