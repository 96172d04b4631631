import { randomUUID } from 'node:crypto';
import type { Operation } from '../../libs/api-contract/src/generated/loom/v1/operation';
import type { LoomCalls } from './grpc-calls';

/**
 * The cloud the scale benchmark grows, in realistic proportions: 20 ports per subnet, 4 subnets per
 * VPC, 4 VPCs per tenant (320 ports a tenant). A subnet's ports sit on one leaf (a rack's
 * hypervisors), on the leaf's interfaces in turn; the subnets go round the leaves (one per 2,500
 * ports, at least 4: bench/support/scale-topology.ts), so a leaf carries one VLAN per subnet on it
 * and one L3 VNI per VPC with a subnet on it (125 and 125 of 4,094 and 512 at 100,000 ports on 40).
 */
export const cloudShape = { portsPerSubnet: 20, subnetsPerVpc: 4, vpcsPerTenant: 4 } as const;
const interfacesPerLeaf = 48;
const deadlineMs = 60_000;
/** VPC groups (a VPC, its 4 subnets, their 80 ports) populated at once: up to 320 calls in flight. */
const groupsInFlight = 4;

export interface SubnetRef {
  readonly name: string;
  readonly leaf: string;
}

/** Names of what exists, grown by `populate`. */
export class ScaleCloud {
  readonly subnets: SubnetRef[] = [];
  readonly ports: string[] = [];
  private readonly tenants = new Set<string>();
  private hostCount = 0;

  /** `leaves`: the fabric's leaf1..leafN, which the subnets go round. */
  constructor(
    private calls: LoomCalls,
    private readonly leaves: number,
  ) {}

  /** The engine restarted: calls go to its new address. */
  reconnect(calls: LoomCalls): void {
    this.calls = calls;
  }

  /** Creates whole VPC groups through the API until the cloud holds at least `ports` ports. */
  async populate(ports: number): Promise<void> {
    const groupPorts = cloudShape.portsPerSubnet * cloudShape.subnetsPerVpc;
    const firstGroup = this.subnets.length / cloudShape.subnetsPerVpc;
    const lastGroup = Math.ceil(ports / groupPorts);
    const tenantsNeeded = new Set<number>();
    for (let group = firstGroup; group < lastGroup; group += 1)
      tenantsNeeded.add(Math.floor(group / cloudShape.vpcsPerTenant));
    await Promise.all([...tenantsNeeded].map((tenant) => this.createTenant(`t${tenant}`)));
    let next = firstGroup;
    const worker = async (): Promise<void> => {
      while (next < lastGroup) {
        const group = next;
        next += 1;
        await this.createGroup(group);
      }
    };
    await Promise.all(Array.from({ length: groupsInFlight }, worker));
  }

  /** A tenant of its own for the measured creates and the Watch, with one VPC. */
  async createTenantWithVpc(tenantId: string): Promise<string> {
    await this.createTenant(tenantId);
    return this.createVpc(`tenants/${tenantId}`, 'vpc');
  }

  async createTenant(tenantId: string): Promise<void> {
    if (this.tenants.has(tenantId)) return;
    this.tenants.add(tenantId);
    await this.calls.unary(
      'TenantService',
      'CreateTenant',
      {
        tenantId,
        tenant: {
          displayName: `Scale ${tenantId}`,
          quota: { vpcs: 100, subnets: 1_000, ports: 100_000, floatingIps: 0 },
        },
        requestId: randomUUID(),
      },
      deadlineMs,
    );
  }

  async createVpc(parent: string, vpcId: string): Promise<string> {
    const operation = await this.calls.unary<Operation>(
      'VpcService',
      'CreateVpc',
      {
        parent,
        vpcId,
        vpc: { displayName: vpcId, cidrBlocks: ['10.0.0.0/16'] },
        requestId: randomUUID(),
      },
      deadlineMs,
    );
    await this.waitDone(operation);
    return operation.target;
  }

  async createSubnet(vpc: string, subnetId: string, third: number): Promise<string> {
    const operation = await this.calls.unary<Operation>(
      'SubnetService',
      'CreateSubnet',
      {
        parent: vpc,
        subnetId,
        subnet: { displayName: subnetId, cidr: `10.0.${third}.0/24` },
        requestId: randomUUID(),
      },
      deadlineMs,
    );
    await this.waitDone(operation);
    return operation.target;
  }

  /** CreatePort bound to the subnet's leaf, on the next interface; answers the Operation. */
  createPort(subnet: SubnetRef, portId: string): Promise<Operation> {
    const host = this.hostCount;
    this.hostCount += 1;
    return this.calls.unary<Operation>(
      'PortService',
      'CreatePort',
      {
        parent: subnet.name,
        portId,
        port: {
          displayName: portId,
          kind: 'VIRTUAL_MACHINE',
          binding: {
            host: `host-${host}`,
            leafSwitch: subnet.leaf,
            interface: `swp${1 + (host % interfacesPerLeaf)}`,
            vlan: 0,
          },
        },
        requestId: randomUUID(),
      },
      deadlineMs,
    );
  }

  /** WaitOperation until done (the port's saga ended); throws on an error or after 5 minutes. */
  async waitDone(operation: Operation): Promise<Operation> {
    let current = operation;
    for (let round = 0; !current.done; round += 1) {
      if (round === 10) throw new Error(`${operation.name} not done after 5 minutes`);
      current = await this.calls.unary<Operation>(
        'OperationService',
        'WaitOperation',
        { name: operation.name, timeout: { seconds: 30, nanos: 0 } },
        deadlineMs,
      );
    }
    if (current.error !== null && current.error.code !== 0) {
      throw new Error(`${operation.name} failed: ${JSON.stringify(current.error)}`);
    }
    return current;
  }

  private async createGroup(group: number): Promise<void> {
    const tenant = `t${Math.floor(group / cloudShape.vpcsPerTenant)}`;
    const vpc = await this.createVpc(`tenants/${tenant}`, `v${group % cloudShape.vpcsPerTenant}`);
    const subnets = await Promise.all(
      Array.from({ length: cloudShape.subnetsPerVpc }, async (_, index) => {
        const global = group * cloudShape.subnetsPerVpc + index;
        const name = await this.createSubnet(vpc, `s${index}`, index);
        return { name, leaf: `leaf${1 + (global % this.leaves)}` };
      }),
    );
    await Promise.all(
      subnets.flatMap((subnet) =>
        Array.from({ length: cloudShape.portsPerSubnet }, async (_, index) => {
          const operation = await this.createPort(subnet, `p${index}`);
          this.ports.push(operation.target);
        }),
      ),
    );
    this.subnets.push(...subnets);
  }
}
