import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '@loom/errors';
import type { FabricTopology } from '@loom/fabric';
import { eventMetadata, type RequestContext } from '@loom/intents';
import { vpcName, type VpcName } from '@loom/names';
import type { RequestedOperation } from '../operations/operation.service';
import { defaultServicePool, type NetworkSettings } from '../shared/network-settings';
import type { OperationIntent, OperationIntents } from '../shared/operation-intents';
import { checkDeletion, etagOf, type ResourceDeletion } from '../shared/resource-changes';
import { streams } from '../shared/streams';
import { vpcDecider } from '../vpcs/vpc.decider';
import type { ServiceIpFabricInput } from './service-ip-fabric.input';
import {
  clearServiceIpSaga,
  serviceIpResourceKey,
  setServiceIpSaga,
} from './service-ip-fabric.saga-types';
import { serviceIpDecider } from './service-ip.decider';
import type { ServiceIpCreated } from './service-ip.events';
import { serviceIpName } from './service-ip-names';
import { checkServicePrefixes } from './service-ip.validation';
import { serviceBlockOf, serviceEnds, servicePoolDecider } from './service-pool.decider';

export interface CreateServiceIpInput {
  readonly tenantId: string;
  readonly vpcId: string;
  readonly prefixes: readonly string[];
  readonly requestId: string | undefined;
}

export interface ServiceIpDeletion extends ResourceDeletion {
  readonly name: VpcName;
}

/** The service node: the topology's first border leaf, which faces the management network. */
export function serviceNodeOf(topology: FabricTopology): string | undefined {
  return topology.devices.find((device) => device.role === 'border-leaf')?.name;
}

/**
 * Service IP intents. Creating one claims the VPC's /31 of the service pool (its address on the
 * management network) and starts set-service-ip on the service node, in one commit; deleting one
 * gives the /31 back and starts clear-service-ip. A VPC with a service IP cannot be deleted.
 */
export class ServiceIpService {
  constructor(
    private readonly intents: OperationIntents,
    private readonly settings: NetworkSettings,
    /** Without a fabric (tests of the intent alone) a service IP is active at once. */
    private readonly topology: FabricTopology | undefined,
  ) {}

  async create(input: CreateServiceIpInput, context: RequestContext): Promise<RequestedOperation> {
    const violations = checkServicePrefixes('service_ip.prefixes', input.prefixes);
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const { tenantId, vpcId } = input;
    const name = serviceIpName(tenantId, vpcId);
    const node = this.topology ? serviceNodeOf(this.topology) : '';
    if (node === undefined) {
      throw new FailedPreconditionError(
        name,
        'NO_SERVICE_NODE',
        'the fabric has no border leaf facing the management network',
      );
    }
    const prefixes = [...input.prefixes];
    const metadata = eventMetadata(context, tenantId, input.requestId);
    return this.intents.submit(
      {
        tenantId,
        requestId: input.requestId,
        method: 'CreateServiceIp',
        payload: [vpcId, prefixes],
        target: name,
        verb: 'create',
      },
      context,
      async (intent) => {
        const { operation } = intent;
        const vpc = await intent.read(streams.vpc(tenantId, vpcId), vpcDecider);
        if (vpc.status !== 'Active') throw new NotFoundError(vpcName(tenantId, vpcId));
        const pool = await intent.execute(
          streams.servicePool,
          servicePoolDecider,
          {
            type: 'AllocateServiceBlock',
            pool: this.settings.servicePool ?? defaultServicePool,
            owner: operation,
            resource: name,
          },
          metadata,
          { type: 'ReleaseServiceBlock', owner: operation },
        );
        const block = serviceBlockOf(pool.state, operation);
        if (block === undefined) throw new Error(`no service block recorded for ${name}`);
        const link = serviceEnds(block);
        const address = link.vrfAddress.split('/')[0] ?? '';
        const target = { tenantId, vpcId };
        const stream = streams.serviceIp(tenantId, vpcId);
        await intent.execute(
          stream,
          serviceIpDecider,
          {
            type: 'CreateServiceIp',
            ...target,
            prefixes,
            node,
            block,
            ...link,
            address,
            createdBy: operation,
          },
          metadata,
        );
        if (node === '') {
          await intent.execute(
            stream,
            serviceIpDecider,
            { type: 'ActivateServiceIp', ...target },
            metadata,
          );
          return;
        }
        intent.startFabricWork({
          saga: setServiceIpSaga,
          resourceKey: serviceIpResourceKey(node),
          input: {
            operation,
            createdBy: operation,
            serviceIp: name,
            node,
            routing: vpc.routing,
            link,
            address,
            prefixes,
          },
        });
      },
    );
  }

  async delete(deletion: ServiceIpDeletion, context: RequestContext): Promise<RequestedOperation> {
    checkDeletion(deletion);
    const { tenant: tenantId, vpc: vpcId } = deletion.name;
    const name = serviceIpName(tenantId, vpcId);
    const metadata = eventMetadata(context, tenantId, deletion.requestId);
    return this.intents.submit(
      {
        tenantId,
        requestId: deletion.requestId,
        method: 'DeleteServiceIp',
        payload: [vpcId, deletion.etag ?? ''],
        target: name,
        verb: 'delete',
      },
      context,
      async (intent) => {
        const deleted = await intent.execute(
          streams.serviceIp(tenantId, vpcId),
          serviceIpDecider,
          { type: 'DeleteServiceIp', tenantId, vpcId, ...etagOf(deletion.etag) },
          metadata,
        );
        const event = deleted.events[0];
        if (event?.type !== 'ServiceIpDeleted') throw new NotFoundError(name);
        if (event.data.node === '') {
          await releaseBlock(intent, event.data.createdBy, metadata);
          return;
        }
        intent.startFabricWork(await clearing(intent, event.data));
      },
    );
  }
}

/** Gives back the service IP's /31, as its creating operation owned it. */
async function releaseBlock(
  intent: OperationIntent,
  owner: string,
  metadata: ReturnType<typeof eventMetadata>,
): Promise<void> {
  await intent.execute(
    streams.servicePool,
    servicePoolDecider,
    { type: 'ReleaseServiceBlock', owner },
    metadata,
  );
}

/**
 * The clearing of a deleted service IP. Its /31 stays held until the saga has cleared the node
 * (service-ip-fabric-outcomes gives it back then): a clearing that fails leaves the link on the
 * node, and the /31 must not go to another VPC meanwhile.
 */
async function clearing(intent: OperationIntent, deleted: ServiceIpCreated['data']) {
  const { tenantId, vpcId } = deleted;
  const vpc = await intent.read(streams.vpc(tenantId, vpcId), vpcDecider);
  if (vpc.status !== 'Active') throw new NotFoundError(vpcName(tenantId, vpcId));
  const input: ServiceIpFabricInput = {
    operation: intent.operation,
    createdBy: deleted.createdBy,
    serviceIp: serviceIpName(tenantId, vpcId),
    node: deleted.node,
    routing: vpc.routing,
    link: { vrfAddress: deleted.vrfAddress, nodeAddress: deleted.nodeAddress },
    address: deleted.address,
    prefixes: deleted.prefixes,
  };
  return { saga: clearServiceIpSaga, resourceKey: serviceIpResourceKey(deleted.node), input };
}
