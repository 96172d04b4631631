import {
  newOperationId,
  operationIdOf,
  type OperationService,
} from '../operations/operation.service';
import { leafVlansDecider, vlanOfPort } from '../pools/leaf-vlans.decider';
import type { RequestService } from '@loom/intents';
import { allocationOf, subnetDecider } from '../subnets/subnet.decider';
import type { AggregateStore } from '@loom/intents';
import { IntentClaims, releaseTenantQuota } from '../shared/intent-claims';
import { InvalidArgumentError, NotFoundError } from '@loom/errors';
import { checkDisplayName, checkEtag, checkResourceId } from '@loom/names';
import { eventMetadata, type RequestContext } from '@loom/intents';
import { operationName, portName, subnetName, vpcName } from '@loom/names';
import { vpcDecider } from '../vpcs/vpc.decider';
import {
  leafResourceKey,
  type FabricPlacement,
  type FabricWorkStarter,
} from '../provisioning/fabric-placement';
import { deprovisionPortSaga, provisionPortSaga } from '../provisioning/port-fabric.saga-types';
import type { PortFabricInput } from '../provisioning/provisioning.input';
import { streams } from '../shared/streams';
import { portDecider } from './port.decider';
import type { PortBinding } from './port.events';
import {
  checkBinding,
  checkFixedIp,
  checkMac,
  checkPortKind,
  type PortBindingInput,
} from './port.validation';

export interface CreatePortInput {
  readonly tenantId: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly portId: string;
  readonly displayName: string;
  readonly kind: string;
  readonly fixedIp: string;
  readonly macAddress: string;
  readonly binding: PortBindingInput | undefined;
  readonly requestId: string | undefined;
}

/**
 * Port intents. Creating one claims tenant quota, its fixed IP and MAC in the subnet (which
 * refuses duplicates and reserved addresses) and, when bound, a VLAN on its leaf switch.
 */
export class PortService {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly requests: RequestService,
    private readonly operations: OperationService,
    /** Without a fabric (tests of the intent alone) a bound port is active at once. */
    private readonly fabric: PortFabric | undefined,
  ) {}

  async create(input: CreatePortInput, context: RequestContext): Promise<string> {
    const kind = checkPortKind(input.kind);
    const mac = checkMac(input.macAddress);
    const bindingInput = input.binding?.leafSwitch ? input.binding : undefined;
    const violations = [
      ...checkResourceId('port_id', input.portId),
      ...checkDisplayName('port.display_name', input.displayName),
      ...kind.violations,
      ...checkFixedIp(input.fixedIp),
      ...mac.violations,
      ...checkBinding(input.binding),
      ...(bindingInput && this.fabric
        ? this.fabric.placement.check(bindingInput.leafSwitch, bindingInput.interface)
        : []),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const { tenantId, vpcId, subnetId, portId } = input;
    const subnetStream = streams.subnet(tenantId, vpcId, subnetId);
    const name = portName(tenantId, vpcId, subnetId, portId);
    const metadata = eventMetadata(context, tenantId, input.requestId);
    return this.requests.run(
      {
        tenantId,
        requestId: input.requestId,
        method: 'CreatePort',
        fingerprint: JSON.stringify([
          vpcId,
          subnetId,
          portId,
          input.displayName,
          input.kind,
          input.fixedIp,
          input.macAddress,
          input.binding ?? null,
        ]),
        result: operationName(tenantId, newOperationId()),
      },
      context,
      async (operation) => {
        // Stream by stream: the saga it starts is no part of a transaction of the event store.
        await this.aggregates.streamByStream(async (transaction) => {
          const { state: subnet } = await this.aggregates.load(subnetStream, subnetDecider);
          if (subnet.status !== 'Active')
            throw new NotFoundError(subnetName(tenantId, vpcId, subnetId));
          const allocated = await transaction.execute(
            subnetStream,
            subnetDecider,
            {
              type: 'AllocateAddress',
              tenantId,
              vpcId,
              subnetId,
              portId,
              ip: input.fixedIp === '' ? undefined : input.fixedIp,
              macAddress: mac.mac,
              owner: operation,
            },
            metadata,
            { type: 'ReleaseAddress', tenantId, vpcId, subnetId, portId, owner: operation },
          );
          await new IntentClaims(transaction, operation, metadata).tenantQuota(tenantId, 'ports');
          const address = allocationOf(allocated.state, portId);
          if (address === undefined) throw new Error(`no address recorded for ${name}`);
          let binding: PortBinding | null = null;
          if (bindingInput) {
            const leaf = bindingInput.leafSwitch;
            const vlans = await transaction.execute(
              streams.leafVlans(leaf),
              leafVlansDecider,
              {
                type: 'BindPortVlan',
                leaf,
                subnet: subnetName(tenantId, vpcId, subnetId),
                l2Vni: subnet.l2Vni,
                port: name,
                interface: bindingInput.interface,
                vlan: bindingInput.vlan === 0 ? undefined : bindingInput.vlan,
                owner: operation,
              },
              metadata,
              { type: 'UnbindPortVlan', leaf, port: name, owner: operation },
            );
            const vlan = vlanOfPort(vlans.state, name);
            if (vlan === undefined) throw new Error(`no VLAN recorded for ${name}`);
            binding = {
              host: bindingInput.host,
              leafSwitch: leaf,
              interface: bindingInput.interface,
              vlan,
            };
          }
          await transaction.execute(
            streams.port(tenantId, vpcId, subnetId, portId),
            portDecider,
            {
              type: 'CreatePort',
              tenantId,
              vpcId,
              subnetId,
              portId,
              displayName: input.displayName,
              kind: kind.kind,
              fixedIp: address.ip,
              macAddress: address.macAddress,
              binding,
              createdBy: operation,
            },
            metadata,
          );
        });
        await this.operations.start(operation, name, 'create', context);
        const { state: port } = await this.aggregates.load(
          streams.port(tenantId, vpcId, subnetId, portId),
          portDecider,
        );
        const binding = port.status === 'Active' ? port.binding : null;
        if (binding && this.fabric) {
          // The operation completes when the saga does (see port-fabric-outcomes).
          const fabricInput = await this.fabricInput(
            operation,
            name,
            tenantId,
            vpcId,
            subnetId,
            binding,
          );
          await this.fabric.work.start(
            provisionPortSaga,
            operationIdOf(operation),
            leafResourceKey(binding.leafSwitch),
            fabricInput,
          );
          return;
        }
        if (binding) {
          await this.aggregates.execute(
            streams.port(tenantId, vpcId, subnetId, portId),
            portDecider,
            { type: 'ActivatePort', tenantId, vpcId, subnetId, portId },
            metadata,
          );
        }
        await this.operations.succeed(operation, context);
      },
    );
  }

  async update(
    tenantId: string,
    vpcId: string,
    subnetId: string,
    portId: string,
    displayName: string | undefined,
    etag: string | undefined,
    context: RequestContext,
  ): Promise<void> {
    const violations = [
      ...checkEtag('port.etag', etag),
      ...(displayName === undefined ? [] : checkDisplayName('port.display_name', displayName)),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    if (displayName === undefined) return;
    await this.aggregates.execute(
      streams.port(tenantId, vpcId, subnetId, portId),
      portDecider,
      {
        type: 'UpdatePort',
        tenantId,
        vpcId,
        subnetId,
        portId,
        displayName,
        ...(etag ? { etag } : {}),
      },
      eventMetadata(context, tenantId),
    );
  }

  async delete(
    tenantId: string,
    vpcId: string,
    subnetId: string,
    portId: string,
    etag: string | undefined,
    requestId: string | undefined,
    context: RequestContext,
  ): Promise<string> {
    const violations = checkEtag('etag', etag);
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const name = portName(tenantId, vpcId, subnetId, portId);
    const metadata = eventMetadata(context, tenantId, requestId);
    return this.requests.run(
      {
        tenantId,
        requestId,
        method: 'DeletePort',
        fingerprint: JSON.stringify([vpcId, subnetId, portId, etag ?? '']),
        result: operationName(tenantId, newOperationId()),
      },
      context,
      async (operation) => {
        const { state: port } = await this.aggregates.load(
          streams.port(tenantId, vpcId, subnetId, portId),
          portDecider,
        );
        const binding = port.status === 'Active' ? port.binding : null;
        // Gathered before the intent lets go of the port: the saga needs the subnet's and VPC's data.
        const fabricInput =
          binding && this.fabric
            ? await this.fabricInput(operation, name, tenantId, vpcId, subnetId, binding)
            : undefined;
        const deleted = await this.aggregates.execute(
          streams.port(tenantId, vpcId, subnetId, portId),
          portDecider,
          { type: 'DeletePort', tenantId, vpcId, subnetId, portId, ...(etag ? { etag } : {}) },
          metadata,
        );
        const event = deleted.events[0];
        if (event?.type === 'PortDeleted') {
          const owner = event.data.createdBy;
          const leaf = event.data.binding?.leafSwitch;
          if (leaf !== undefined) {
            await this.aggregates.execute(
              streams.leafVlans(leaf),
              leafVlansDecider,
              { type: 'UnbindPortVlan', leaf, port: name, owner },
              metadata,
            );
          }
          await this.aggregates.execute(
            streams.subnet(tenantId, vpcId, subnetId),
            subnetDecider,
            { type: 'ReleaseAddress', tenantId, vpcId, subnetId, portId, owner },
            metadata,
          );
          await releaseTenantQuota(this.aggregates, tenantId, 'ports', owner, metadata);
        }
        if (fabricInput && binding && this.fabric) {
          await this.operations.start(operation, name, 'delete', context);
          await this.fabric.work.start(
            deprovisionPortSaga,
            operationIdOf(operation),
            leafResourceKey(binding.leafSwitch),
            fabricInput,
          );
          return;
        }
        await this.aggregates.streamByStream((transaction) =>
          this.operations.completeAtOnce(transaction, operation, name, 'delete', context),
        );
      },
    );
  }

  private async fabricInput(
    operation: string,
    port: string,
    tenantId: string,
    vpcId: string,
    subnetId: string,
    binding: PortBinding,
  ): Promise<PortFabricInput> {
    const { state: subnet } = await this.aggregates.load(
      streams.subnet(tenantId, vpcId, subnetId),
      subnetDecider,
    );
    const { state: vpc } = await this.aggregates.load(streams.vpc(tenantId, vpcId), vpcDecider);
    if (subnet.status !== 'Active') throw new NotFoundError(subnetName(tenantId, vpcId, subnetId));
    if (vpc.status !== 'Active') throw new NotFoundError(vpcName(tenantId, vpcId));
    return {
      operation,
      leaf: binding.leafSwitch,
      port,
      vpc: { name: vpcName(tenantId, vpcId), routing: vpc.routing },
      subnet: {
        name: subnetName(tenantId, vpcId, subnetId),
        l2Vni: subnet.l2Vni,
        anycastGateway: `${subnet.gatewayIp}/${subnet.cidr.split('/')[1] ?? ''}`,
      },
      binding: { interface: binding.interface, vlan: binding.vlan },
    };
  }
}

/** What a port needs of the fabric: where it may be bound, and a way to start sagas. */
export interface PortFabric {
  readonly placement: FabricPlacement;
  readonly work: FabricWorkStarter;
}
