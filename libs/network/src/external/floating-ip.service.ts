import { InvalidArgumentError, NotFoundError } from '@loom/errors';
import { eventMetadata, type RequestContext } from '@loom/intents';
import { checkDisplayName, checkResourceId, parsePortName, portName, vpcName } from '@loom/names';
import type { RequestedOperation } from '../operations/operation.service';
import { portDecider } from '../ports/port.decider';
import { IntentClaims, releaseTenantQuota } from '../shared/intent-claims';
import type { OperationIntent, OperationIntents } from '../shared/operation-intents';
import { checkDeletion, etagOf, type ResourceDeletion } from '../shared/resource-changes';
import { streams } from '../shared/streams';
import { vpcDecider } from '../vpcs/vpc.decider';
import type { FloatingIpTarget } from './external-fabric.input';
import { applyFloatingIpSaga, externalNetworkResourceKey } from './external-fabric.saga-types';
import { externalGatewayDecider } from './external-gateway.decider';
import { floatingIpName } from './external-names';
import { externalNetworkDecider, publicAddressOf } from './external-network.decider';
import { checkAddress } from './external-network.validation';
import { floatingIpDecider } from './floating-ip.decider';
import { refuseWhileQosAttached } from '../qos/qos-guard';
import type { FloatingIpAssociation } from './floating-ip.events';

export interface CreateFloatingIpInput {
  readonly tenantId: string;
  readonly floatingIpId: string;
  readonly displayName: string;
  readonly externalNetworkId: string;
  /** Empty for the next free address of the pools. */
  readonly address: string;
  readonly requestId: string | undefined;
}

export interface FloatingIpAssociationChange {
  readonly tenantId: string;
  readonly floatingIpId: string;
  /** A port name to associate with (or move to), or empty to disassociate. */
  readonly port: string;
  readonly etag?: string | undefined;
  readonly requestId?: string | undefined;
}

export interface FloatingIpDeletion extends ResourceDeletion {
  readonly tenantId: string;
  readonly floatingIpId: string;
}

/**
 * Floating IP intents. Creating one claims a unit of the tenant's floating IP quota and a public
 * address of the external network (done at once: nothing is on the devices while it is
 * unassociated). Associating, moving and disassociating it records the change on the floating
 * IP and on the external gateways of the VPCs involved, and starts apply-floating-ip on the
 * gateway nodes; deleting it (refused while associated) gives the address and the quota back.
 */
export class FloatingIpService {
  constructor(private readonly intents: OperationIntents) {}

  async create(input: CreateFloatingIpInput, context: RequestContext): Promise<RequestedOperation> {
    const violations = [
      ...checkResourceId('floating_ip_id', input.floatingIpId),
      ...checkDisplayName('floating_ip.display_name', input.displayName),
      ...checkResourceId('floating_ip.external_network', input.externalNetworkId),
      ...checkAddress('floating_ip.address', input.address),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const { tenantId, floatingIpId, externalNetworkId } = input;
    const metadata = eventMetadata(context, tenantId, input.requestId);
    return this.intents.submit(
      {
        tenantId,
        requestId: input.requestId,
        method: 'CreateFloatingIp',
        payload: [floatingIpId, input.displayName, externalNetworkId, input.address],
        target: floatingIpName(tenantId, floatingIpId),
        verb: 'create',
      },
      context,
      async (intent) => {
        const { operation } = intent;
        await new IntentClaims(intent, operation, metadata).tenantQuota(tenantId, 'floatingIps');
        const network = await intent.execute(
          streams.externalNetwork(externalNetworkId),
          externalNetworkDecider,
          {
            type: 'AllocatePublicAddress',
            externalNetworkId,
            owner: operation,
            field: 'floating_ip.address',
            ...(input.address === '' ? {} : { address: input.address }),
          },
          metadata,
          { type: 'ReleasePublicAddress', externalNetworkId, owner: operation },
        );
        const address = publicAddressOf(network.state, operation);
        if (address === undefined) throw new Error(`no public address recorded for ${operation}`);
        await intent.execute(
          streams.floatingIp(tenantId, floatingIpId),
          floatingIpDecider,
          {
            type: 'CreateFloatingIp',
            tenantId,
            floatingIpId,
            displayName: input.displayName,
            externalNetworkId,
            address,
            createdBy: operation,
          },
          metadata,
        );
      },
    );
  }

  async associate(
    change: FloatingIpAssociationChange,
    context: RequestContext,
  ): Promise<RequestedOperation> {
    const { tenantId, floatingIpId } = change;
    const port = change.port === '' ? undefined : parsePortName(change.port, 'floating_ip.port');
    const metadata = eventMetadata(context, tenantId, change.requestId);
    const name = floatingIpName(tenantId, floatingIpId);
    return this.intents.submit(
      {
        tenantId,
        requestId: change.requestId,
        method: 'UpdateFloatingIp',
        payload: [floatingIpId, change.port, change.etag ?? ''],
        target: name,
        verb: 'update',
      },
      context,
      async (intent) => {
        // Another tenant's port is not found, as everywhere.
        if (port && port.tenant !== tenantId) {
          throw new NotFoundError(portName(port.tenant, port.vpc, port.subnet, port.port));
        }
        // Its shaping sits where it is translated: a QoS policy must be detached first.
        await refuseWhileQosAttached(intent, name);
        const association = port ? await this.associationOf(intent, port) : null;
        const changed = await intent.execute(
          streams.floatingIp(tenantId, floatingIpId),
          floatingIpDecider,
          {
            type: 'AssociateFloatingIp',
            tenantId,
            floatingIpId,
            association,
            operation: intent.operation,
            ...etagOf(change.etag),
          },
          metadata,
        );
        const event = changed.events[0];
        const floatingIp = changed.state;
        if (!event || floatingIp.status !== 'Active') return;
        const previous =
          event.type === 'FloatingIpAssociated' || event.type === 'FloatingIpDisassociated'
            ? event.data.previous
            : null;
        const { externalNetworkId, address } = floatingIp;
        const from = previous
          ? await this.detach(intent, tenantId, name, previous, metadata)
          : null;
        const to = association
          ? await this.attach(intent, tenantId, name, externalNetworkId, association, metadata)
          : null;
        const network = await intent.read(
          streams.externalNetwork(externalNetworkId),
          externalNetworkDecider,
        );
        intent.startFabricWork({
          saga: applyFloatingIpSaga,
          resourceKey: externalNetworkResourceKey(externalNetworkId),
          input: {
            operation: intent.operation,
            floatingIp: name,
            gatewayNodes: {
              externalNetwork: externalNetworkId,
              nodes: network.status === 'Active' ? network.gatewayNodes : [],
            },
            publicAddress: address,
            from,
            to,
            previous,
            next: association,
          },
        });
      },
    );
  }

  async delete(deletion: FloatingIpDeletion, context: RequestContext): Promise<RequestedOperation> {
    checkDeletion(deletion);
    const { tenantId, floatingIpId } = deletion;
    const metadata = eventMetadata(context, tenantId, deletion.requestId);
    return this.intents.submit(
      {
        tenantId,
        requestId: deletion.requestId,
        method: 'DeleteFloatingIp',
        payload: [floatingIpId, deletion.etag ?? ''],
        target: floatingIpName(tenantId, floatingIpId),
        verb: 'delete',
      },
      context,
      async (intent) => {
        const deleted = await intent.execute(
          streams.floatingIp(tenantId, floatingIpId),
          floatingIpDecider,
          { type: 'DeleteFloatingIp', tenantId, floatingIpId, ...etagOf(deletion.etag) },
          metadata,
        );
        const event = deleted.events[0];
        if (event?.type !== 'FloatingIpDeleted') return;
        const { externalNetworkId, createdBy: owner } = event.data;
        await intent.execute(
          streams.externalNetwork(externalNetworkId),
          externalNetworkDecider,
          { type: 'ReleasePublicAddress', externalNetworkId, owner },
          metadata,
        );
        await releaseTenantQuota(intent, tenantId, 'floatingIps', owner, metadata);
      },
    );
  }

  private async associationOf(
    intent: OperationIntent,
    port: ReturnType<typeof parsePortName>,
  ): Promise<FloatingIpAssociation> {
    const state = await intent.read(
      streams.port(port.tenant, port.vpc, port.subnet, port.port),
      portDecider,
    );
    const name = portName(port.tenant, port.vpc, port.subnet, port.port);
    if (state.status !== 'Active') throw new NotFoundError(name);
    return { port: name, vpcId: port.vpc, fixedIp: state.fixedIp };
  }

  /** Records the floating IP on the gateway of its new VPC (refused without one); its VRF. */
  private async attach(
    intent: OperationIntent,
    tenantId: string,
    floatingIp: string,
    externalNetworkId: string,
    association: FloatingIpAssociation,
    metadata: ReturnType<typeof eventMetadata>,
  ): Promise<FloatingIpTarget> {
    const { vpcId, fixedIp } = association;
    await intent.execute(
      streams.externalGateway(tenantId, vpcId),
      externalGatewayDecider,
      {
        type: 'AttachFloatingIp',
        tenantId,
        vpcId,
        floatingIp,
        externalNetworkId,
        privateAddress: fixedIp,
      },
      metadata,
    );
    return { vrf: await this.vrfOf(intent, tenantId, vpcId), privateAddress: fixedIp };
  }

  private async detach(
    intent: OperationIntent,
    tenantId: string,
    floatingIp: string,
    previous: FloatingIpAssociation,
    metadata: ReturnType<typeof eventMetadata>,
  ): Promise<FloatingIpTarget> {
    await intent.execute(
      streams.externalGateway(tenantId, previous.vpcId),
      externalGatewayDecider,
      { type: 'DetachFloatingIp', tenantId, vpcId: previous.vpcId, floatingIp },
      metadata,
    );
    return {
      vrf: await this.vrfOf(intent, tenantId, previous.vpcId),
      privateAddress: previous.fixedIp,
    };
  }

  private async vrfOf(intent: OperationIntent, tenantId: string, vpcId: string): Promise<string> {
    const vpc = await intent.read(streams.vpc(tenantId, vpcId), vpcDecider);
    if (vpc.status !== 'Active') throw new NotFoundError(vpcName(tenantId, vpcId));
    return vpc.routing.vrfName;
  }
}
