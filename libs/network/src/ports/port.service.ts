import { InvalidArgumentError, NotFoundError } from '@loom/errors';
import type { FabricTopology } from '@loom/fabric';
import { eventMetadata, type IntentRuntime, type RequestContext } from '@loom/intents';
import { checkDisplayName, checkResourceId, portName, type PortName } from '@loom/names';
import type { RequestedOperation } from '../operations/operation.service';
import { checkPlacement } from '../provisioning/fabric-placement';
import { portFabricWork } from '../provisioning/port-fabric-work';
import { deprovisionPortSaga, provisionPortSaga } from '../provisioning/port-fabric.saga-types';
import type { OperationIntents } from '../shared/operation-intents';
import {
  checkDeletion,
  checkDisplayNameUpdate,
  etagOf,
  type DisplayNameUpdate,
  type ResourceDeletion,
} from '../shared/resource-changes';
import { streams } from '../shared/streams';
import { refuseWhileFloatingIpAssociated } from '../external/floating-ip-port-guard';
import { refuseWhileQosAttached } from '../qos/qos-guard';
import { claimPort, releasePort } from './port-claims';
import { portDecider } from './port.decider';
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

export interface PortUpdate extends DisplayNameUpdate {
  readonly name: PortName;
}

export interface PortDeletion extends ResourceDeletion {
  readonly name: PortName;
}

/** The fabric behind ports: its topology says where a port may be bound. */
export interface PortFabric {
  readonly topology: FabricTopology;
}

/**
 * Port intents. Creating one claims tenant quota, its fixed IP and MAC in the subnet and, when
 * bound, a VLAN on its leaf switch (see claimPort); a bound port's create and delete start its
 * fabric work on the leaf, recorded in the same commit as the claims (see OperationIntents).
 */
export class PortService {
  constructor(
    private readonly intents: OperationIntents,
    private readonly runtime: IntentRuntime,
    /** Without a fabric (tests of the intent alone) a bound port is active at once. */
    private readonly fabric: PortFabric | undefined,
  ) {}

  async create(input: CreatePortInput, context: RequestContext): Promise<RequestedOperation> {
    const kind = checkPortKind(input.kind);
    const mac = checkMac(input.macAddress);
    const binding = input.binding?.leafSwitch ? input.binding : undefined;
    const bindingViolations = checkBinding(input.binding);
    // Placement is checked for well-formed names only (of bounded length: errors quote them).
    const placeable = !bindingViolations.some(
      ({ field }) => field === 'port.binding.leaf_switch' || field === 'port.binding.interface',
    );
    const violations = [
      ...checkResourceId('port_id', input.portId),
      ...checkDisplayName('port.display_name', input.displayName),
      ...kind.violations,
      ...checkFixedIp(input.fixedIp),
      ...mac.violations,
      ...bindingViolations,
      ...(binding && this.fabric && placeable
        ? checkPlacement(this.fabric.topology, binding.leafSwitch, binding.interface)
        : []),
    ];
    if (violations.length > 0) throw new InvalidArgumentError(violations);
    const { tenantId, vpcId, subnetId, portId } = input;
    const name = portName(tenantId, vpcId, subnetId, portId);
    const stream = streams.port(tenantId, vpcId, subnetId, portId);
    const metadata = eventMetadata(context, tenantId, input.requestId);
    return this.intents.submit(
      {
        tenantId,
        requestId: input.requestId,
        method: 'CreatePort',
        payload: [
          vpcId,
          subnetId,
          portId,
          input.displayName,
          input.kind,
          input.fixedIp,
          input.macAddress,
          input.binding ?? null,
        ],
        target: name,
        verb: 'create',
      },
      context,
      async (intent) => {
        const claimed = await claimPort(
          intent,
          {
            tenantId,
            vpcId,
            subnetId,
            portId,
            fixedIp: input.fixedIp,
            macAddress: mac.mac,
            binding,
            untagged: kind.kind === 'BARE_METAL',
          },
          metadata,
        );
        const target = { tenantId, vpcId, subnetId, portId };
        await intent.execute(
          stream,
          portDecider,
          {
            type: 'CreatePort',
            ...target,
            displayName: input.displayName,
            kind: kind.kind,
            fixedIp: claimed.ip,
            macAddress: claimed.macAddress,
            binding: claimed.binding,
            createdBy: intent.operation,
          },
          metadata,
        );
        if (!claimed.binding) return;
        if (!this.fabric) {
          await intent.execute(stream, portDecider, { type: 'ActivatePort', ...target }, metadata);
          return;
        }
        // The operation is done when the saga is (see port-fabric-outcomes).
        intent.startFabricWork(
          await portFabricWork(intent, provisionPortSaga, {
            name,
            subnet: claimed.subnet,
            binding: claimed.binding,
            untagged: kind.kind === 'BARE_METAL',
          }),
        );
      },
    );
  }

  async update(update: PortUpdate, context: RequestContext): Promise<void> {
    const displayName = checkDisplayNameUpdate('port', update);
    if (displayName === undefined) return;
    const { tenant: tenantId, vpc: vpcId, subnet: subnetId, port: portId } = update.name;
    await this.runtime.execute(
      streams.port(tenantId, vpcId, subnetId, portId),
      portDecider,
      {
        type: 'UpdatePort',
        tenantId,
        vpcId,
        subnetId,
        portId,
        displayName,
        ...etagOf(update.etag),
      },
      eventMetadata(context, tenantId),
    );
  }

  async delete(deletion: PortDeletion, context: RequestContext): Promise<RequestedOperation> {
    checkDeletion(deletion);
    const { tenant: tenantId, vpc: vpcId, subnet: subnetId, port: portId } = deletion.name;
    const name = portName(tenantId, vpcId, subnetId, portId);
    const metadata = eventMetadata(context, tenantId, deletion.requestId);
    return this.intents.submit(
      {
        tenantId,
        requestId: deletion.requestId,
        method: 'DeletePort',
        payload: [vpcId, subnetId, portId, deletion.etag ?? ''],
        target: name,
        verb: 'delete',
      },
      context,
      async (intent) => {
        await refuseWhileFloatingIpAssociated(intent, { tenantId, vpcId, subnetId, portId });
        await refuseWhileQosAttached(intent, portName(tenantId, vpcId, subnetId, portId));
        const stream = streams.port(tenantId, vpcId, subnetId, portId);
        const before = await intent.read(stream, portDecider);
        const untagged = before.status === 'Active' && before.kind === 'BARE_METAL';
        const deleted = await intent.execute(
          stream,
          portDecider,
          { type: 'DeletePort', tenantId, vpcId, subnetId, portId, ...etagOf(deletion.etag) },
          metadata,
        );
        const event = deleted.events[0];
        if (event?.type !== 'PortDeleted') throw new NotFoundError(name);
        const subnet = await releasePort(intent, event.data, metadata);
        const { binding } = event.data;
        if (!binding || !this.fabric) return;
        // Decided after the intent let go of the port: "still needed" on the leaf excludes it.
        intent.startFabricWork(
          await portFabricWork(intent, deprovisionPortSaga, { name, subnet, binding, untagged }),
        );
      },
    );
  }
}
