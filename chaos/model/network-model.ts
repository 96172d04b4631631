/**
 * The reference model the model-based test holds the engine to: tenants with quotas, their VPCs
 * (an L3 VNI each from a small pool), subnets (an L2 VNI, a /29 or /28 inside the VPC's block, no
 * overlap) and unbound ports (the lowest free address after the gateway). Plain data and pure
 * functions: each answers the gRPC code the engine must give, and changes the model on OK.
 */
export type Code =
  'OK' | 'NOT_FOUND' | 'ALREADY_EXISTS' | 'FAILED_PRECONDITION' | 'RESOURCE_EXHAUSTED';

export interface ModelSubnet {
  readonly cidr: string;
  readonly l2Vni: number;
  readonly ports: Map<string, string>;
}
export interface ModelVpc {
  readonly l3Vni: number;
  readonly subnets: Map<string, ModelSubnet>;
}
export interface ModelTenant {
  readonly vpcs: Map<string, ModelVpc>;
}

export const modelQuota = { vpcs: 2, subnets: 3, ports: 4 };
export const l3Pool = { first: 50_000, last: 50_002 };
export const l2Pool = { first: 100_000, last: 100_003 };
export const vpcBlock = '10.0.0.0/16';

export class NetworkModel {
  readonly tenants = new Map<string, ModelTenant>();

  clone(): NetworkModel {
    const copy = new NetworkModel();
    for (const [id, tenant] of this.tenants) {
      const vpcs = new Map<string, ModelVpc>();
      for (const [vpcId, vpc] of tenant.vpcs) {
        const subnets = new Map<string, ModelSubnet>();
        for (const [subnetId, subnet] of vpc.subnets) {
          subnets.set(subnetId, { ...subnet, ports: new Map(subnet.ports) });
        }
        vpcs.set(vpcId, { l3Vni: vpc.l3Vni, subnets });
      }
      copy.tenants.set(id, { vpcs });
    }
    return copy;
  }

  private usedVnis(kind: 'l3' | 'l2'): Set<number> {
    const used = new Set<number>();
    for (const tenant of this.tenants.values()) {
      for (const vpc of tenant.vpcs.values()) {
        if (kind === 'l3') used.add(vpc.l3Vni);
        else for (const subnet of vpc.subnets.values()) used.add(subnet.l2Vni);
      }
    }
    return used;
  }

  private freeVni(kind: 'l3' | 'l2'): number | undefined {
    const pool = kind === 'l3' ? l3Pool : l2Pool;
    const used = this.usedVnis(kind);
    for (let vni = pool.first; vni <= pool.last; vni += 1) if (!used.has(vni)) return vni;
    return undefined;
  }

  usage(tenantId: string): { vpcs: number; subnets: number; ports: number } {
    const tenant = this.tenants.get(tenantId);
    const vpcs = [...(tenant?.vpcs.values() ?? [])];
    const subnets = vpcs.flatMap((vpc) => [...vpc.subnets.values()]);
    const ports = subnets.reduce((sum, subnet) => sum + subnet.ports.size, 0);
    return { vpcs: vpcs.length, subnets: subnets.length, ports };
  }

  createTenant(id: string): Code {
    if (this.tenants.has(id)) return 'ALREADY_EXISTS';
    this.tenants.set(id, { vpcs: new Map() });
    return 'OK';
  }

  deleteTenant(id: string): Code {
    const tenant = this.tenants.get(id);
    if (!tenant) return 'NOT_FOUND';
    if (tenant.vpcs.size > 0) return 'FAILED_PRECONDITION';
    this.tenants.delete(id);
    return 'OK';
  }

  createVpc(tenantId: string, vpcId: string): Code {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) return 'NOT_FOUND';
    if (tenant.vpcs.has(vpcId)) return 'ALREADY_EXISTS';
    if (this.usage(tenantId).vpcs >= modelQuota.vpcs) return 'RESOURCE_EXHAUSTED';
    const l3Vni = this.freeVni('l3');
    if (l3Vni === undefined) return 'RESOURCE_EXHAUSTED';
    tenant.vpcs.set(vpcId, { l3Vni, subnets: new Map() });
    return 'OK';
  }

  deleteVpc(tenantId: string, vpcId: string): Code {
    const vpc = this.tenants.get(tenantId)?.vpcs.get(vpcId);
    if (!vpc) return 'NOT_FOUND';
    if (vpc.subnets.size > 0) return 'FAILED_PRECONDITION';
    this.tenants.get(tenantId)?.vpcs.delete(vpcId);
    return 'OK';
  }

  createSubnet(tenantId: string, vpcId: string, subnetId: string, cidr: string): Code {
    const vpc = this.tenants.get(tenantId)?.vpcs.get(vpcId);
    if (!vpc) return 'NOT_FOUND';
    if (vpc.subnets.has(subnetId)) return 'ALREADY_EXISTS';
    if (!inside(cidr, vpcBlock)) return 'FAILED_PRECONDITION';
    if ([...vpc.subnets.values()].some((other) => overlap(cidr, other.cidr))) {
      return 'FAILED_PRECONDITION';
    }
    if (this.usage(tenantId).subnets >= modelQuota.subnets) return 'RESOURCE_EXHAUSTED';
    const l2Vni = this.freeVni('l2');
    if (l2Vni === undefined) return 'RESOURCE_EXHAUSTED';
    vpc.subnets.set(subnetId, { cidr, l2Vni, ports: new Map() });
    return 'OK';
  }

  deleteSubnet(tenantId: string, vpcId: string, subnetId: string): Code {
    const vpc = this.tenants.get(tenantId)?.vpcs.get(vpcId);
    const subnet = vpc?.subnets.get(subnetId);
    if (!vpc || !subnet) return 'NOT_FOUND';
    if (subnet.ports.size > 0) return 'FAILED_PRECONDITION';
    vpc.subnets.delete(subnetId);
    return 'OK';
  }

  createPort(tenantId: string, vpcId: string, subnetId: string, portId: string): Code {
    const subnet = this.tenants.get(tenantId)?.vpcs.get(vpcId)?.subnets.get(subnetId);
    if (!subnet) return 'NOT_FOUND';
    if (subnet.ports.has(portId)) return 'ALREADY_EXISTS';
    const ip = freeAddress(subnet);
    if (ip === undefined) return 'RESOURCE_EXHAUSTED';
    if (this.usage(tenantId).ports >= modelQuota.ports) return 'RESOURCE_EXHAUSTED';
    subnet.ports.set(portId, ip);
    return 'OK';
  }

  deletePort(tenantId: string, vpcId: string, subnetId: string, portId: string): Code {
    const subnet = this.tenants.get(tenantId)?.vpcs.get(vpcId)?.subnets.get(subnetId);
    if (!subnet?.ports.has(portId)) return 'NOT_FOUND';
    subnet.ports.delete(portId);
    return 'OK';
  }
}

const toNumber = (ip: string): number =>
  ip.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
const toIp = (value: number): string =>
  [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');

function range(cidr: string): [number, number] {
  const [ip = '', length = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(length));
  const start = toNumber(ip);
  return [start, start + size - 1];
}

function inside(cidr: string, block: string): boolean {
  const [start, end] = range(cidr);
  const [first, last] = range(block);
  return start >= first && end <= last;
}

function overlap(a: string, b: string): boolean {
  const [aStart, aEnd] = range(a);
  const [bStart, bEnd] = range(b);
  return aStart <= bEnd && bStart <= aEnd;
}

/** Hosts after the gateway (the first host), lowest first. */
function freeAddress(subnet: ModelSubnet): string | undefined {
  const [network, broadcast] = range(subnet.cidr);
  const used = new Set(subnet.ports.values());
  for (let address = network + 2; address < broadcast; address += 1) {
    if (!used.has(toIp(address))) return toIp(address);
  }
  return undefined;
}
