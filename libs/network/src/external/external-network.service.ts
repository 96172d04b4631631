import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '@loom/errors';
import type { FabricTopology } from '@loom/fabric';
import { eventMetadata, type IntentRuntime, type RequestContext } from '@loom/intents';
import { checkDisplayName, checkResourceId } from '@loom/names';
import { checkDeletion, checkDisplayNameUpdate, etagOf } from '../shared/resource-changes';
import { streams } from '../shared/streams';
import { externalNetworkName } from './external-names';
import { externalNetworkDecider } from './external-network.decider';
import type { UpstreamPeer } from './external-network.events';
import { checkGatewayNodes, checkPools, checkUpstreamPeers } from './external-network.validation';

/** External networks are the portal's, not a tenant's: their requests and events carry this scope. */
export const portalScope = '_portal';

export interface CreateExternalNetworkInput {
  readonly externalNetworkId: string;
  readonly displayName: string;
  readonly pools: readonly string[];
  readonly gatewayNodes: readonly string[];
  readonly upstreamPeers: readonly UpstreamPeer[];
  readonly requestId: string | undefined;
}

/**
 * External network intents (the portal's): created with their pools, gateway nodes and upstream
 * peers, renamed, deleted once no public address of theirs is in use. No fabric work: the gateway
 * nodes' upstream peering is the fabric's own configuration; VPC gateways and floating IPs put
 * their state on the nodes.
 */
export class ExternalNetworkService {
  constructor(
    private readonly runtime: IntentRuntime,
    private readonly topology: FabricTopology | undefined,
  ) {}

  async create(input: CreateExternalNetworkInput, context: RequestContext): Promise<string> {
    const violations = [
      ...checkResourceId('external_network_id', input.externalNetworkId),
      ...checkDisplayName('external_network.display_name', input.displayName),
      ...checkPools('external_network.pools', input.pools),
      ...checkGatewayNodes('external_network.gateway_nodes', input.gatewayNodes, this.topology),
      ...checkUpstreamPeers('external_network.upstream_peers', input.upstreamPeers),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const { externalNetworkId, displayName, pools, gatewayNodes, upstreamPeers } = input;
    const outcome = await this.runtime.submit(
      {
        tenantId: portalScope,
        requestId: input.requestId,
        method: 'CreateExternalNetwork',
        fingerprint: JSON.stringify([
          externalNetworkId,
          displayName,
          pools,
          gatewayNodes,
          upstreamPeers,
        ]),
        result: externalNetworkName(externalNetworkId),
      },
      context,
      async (intent) => {
        await intent.execute(
          streams.externalNetwork(externalNetworkId),
          externalNetworkDecider,
          {
            type: 'CreateExternalNetwork',
            externalNetworkId,
            displayName,
            pools,
            gatewayNodes,
            upstreamPeers,
            // Who created it: the request (its retries find their own network), or this call
            // alone. Not the name, which every create of the id shares: a second create of an
            // existing id would pass for a retry and answer OK (found by the chaos access matrix).
            createdBy:
              input.requestId === undefined ? `call-${randomUUID()}` : `request-${input.requestId}`,
          },
          eventMetadata(context, portalScope, input.requestId),
        );
      },
    );
    return outcome.result;
  }

  async update(
    update: {
      externalNetworkId: string;
      displayName?: string | undefined;
      etag?: string | undefined;
    },
    context: RequestContext,
  ): Promise<void> {
    const displayName = checkDisplayNameUpdate('external_network', update);
    if (displayName === undefined) return;
    const { externalNetworkId } = update;
    await this.runtime.execute(
      streams.externalNetwork(externalNetworkId),
      externalNetworkDecider,
      { type: 'UpdateExternalNetwork', externalNetworkId, displayName, ...etagOf(update.etag) },
      eventMetadata(context, portalScope),
    );
  }

  async delete(
    deletion: { externalNetworkId: string; etag?: string | undefined },
    context: RequestContext,
  ): Promise<void> {
    checkDeletion(deletion);
    const { externalNetworkId } = deletion;
    await this.runtime.execute(
      streams.externalNetwork(externalNetworkId),
      externalNetworkDecider,
      { type: 'DeleteExternalNetwork', externalNetworkId, ...etagOf(deletion.etag) },
      eventMetadata(context, portalScope),
    );
  }
}
