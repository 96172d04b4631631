import { randomUUID } from 'node:crypto';
import type { Operation } from '../../libs/api-contract/src/generated/loom/v1/operation';
import type { Port } from '../../libs/api-contract/src/generated/loom/v1/port';
import type { LoomCalls } from './grpc-calls';

/**
 * The tenant the FRR lab benchmark provisions through the gRPC API, the same on the FRR lab and on
 * the simulated fabric: one VPC, subnet `a` (the VMs that ping and the ports measured one at a
 * time) and subnet `b` (the ports created at once).
 */
export const labTenant = 'frr';
export const vpcName = `tenants/${labTenant}/vpcs/v`;
export const subnetA = `${vpcName}/subnets/a`;
export const subnetB = `${vpcName}/subnets/b`;
const deadlineMs = 60_000;

export interface PortPlacement {
  readonly subnet: string;
  readonly portId: string;
  readonly leaf: string;
  readonly iface: string;
  /** Empty: the subnet's next free address. */
  readonly fixedIp?: string;
}

export class LabCloud {
  constructor(private readonly calls: LoomCalls) {}

  /** The tenant, its VPC and both subnets, each waited for. */
  async createNetwork(): Promise<void> {
    await this.calls.unary(
      'TenantService',
      'CreateTenant',
      {
        tenantId: labTenant,
        tenant: {
          displayName: 'FRR lab bench',
          quota: { vpcs: 10, subnets: 10, ports: 1_000, floatingIps: 0 },
        },
        requestId: randomUUID(),
      },
      deadlineMs,
    );
    await this.waitDone(
      await this.calls.unary<Operation>(
        'VpcService',
        'CreateVpc',
        {
          parent: `tenants/${labTenant}`,
          vpcId: 'v',
          vpc: { displayName: 'v', cidrBlocks: ['10.0.0.0/16'] },
          requestId: randomUUID(),
        },
        deadlineMs,
      ),
    );
    for (const [subnetId, cidr] of [
      ['a', '10.0.1.0/24'],
      ['b', '10.0.2.0/24'],
    ] as const) {
      await this.waitDone(
        await this.calls.unary<Operation>(
          'SubnetService',
          'CreateSubnet',
          {
            parent: vpcName,
            subnetId,
            subnet: { displayName: subnetId, cidr },
            requestId: randomUUID(),
          },
          deadlineMs,
        ),
      );
    }
  }

  /** CreatePort bound to the placement's leaf and interface (a VM); answers the Operation. */
  createPort(placement: PortPlacement): Promise<Operation> {
    return this.calls.unary<Operation>(
      'PortService',
      'CreatePort',
      {
        parent: placement.subnet,
        portId: placement.portId,
        port: {
          displayName: placement.portId,
          kind: 'VIRTUAL_MACHINE',
          fixedIp: placement.fixedIp ?? '',
          binding: {
            host: `hv-${placement.leaf}-${placement.iface}`,
            leafSwitch: placement.leaf,
            interface: placement.iface,
            vlan: 0,
          },
        },
        requestId: randomUUID(),
      },
      deadlineMs,
    );
  }

  getPort(name: string): Promise<Port> {
    return this.calls.unary<Port>('PortService', 'GetPort', { name }, deadlineMs);
  }

  /** The ports of `subnet` (one page of up to 100) by status. */
  async statuses(subnet: string): Promise<Record<string, number>> {
    const page = await this.calls.unary<{ ports: Port[] }>(
      'PortService',
      'ListPorts',
      { parent: subnet, pageSize: 100 },
      deadlineMs,
    );
    const counts: Record<string, number> = {};
    for (const port of page.ports) counts[port.status] = (counts[port.status] ?? 0) + 1;
    return counts;
  }

  /** WaitOperation until done; throws on an error or after `maxSeconds` (rounds of 10 s). */
  async waitDone(operation: Operation, maxSeconds = 120): Promise<Operation> {
    let current = operation;
    for (let round = 0; !current.done; round += 1) {
      if (round * 10 >= maxSeconds) {
        throw new Error(`${operation.name} not done after ${maxSeconds} s`);
      }
      current = await this.calls.unary<Operation>(
        'OperationService',
        'WaitOperation',
        { name: operation.name, timeout: { seconds: 10, nanos: 0 } },
        deadlineMs,
      );
    }
    if (current.error !== null && current.error.code !== 0) {
      throw new Error(`${operation.name} failed: ${JSON.stringify(current.error)}`);
    }
    return current;
  }
}
