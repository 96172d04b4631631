import type { LoggedEvent } from './event-log';

/** A claim on a shared stream, as `claim type|stream|owner|what`. */
type ClaimKey = string;

/** Claim and release event types of the network's shared streams, and what identifies a claim. */
const families: readonly {
  claim: string;
  release: string;
  what: (data: Record<string, unknown>) => string;
}[] = [
  {
    claim: 'TenantQuotaClaimed',
    release: 'TenantQuotaReleased',
    what: (d) => String(d['resource']),
  },
  { claim: 'VniAllocated', release: 'VniReleased', what: (d) => String(d['vni']) },
  {
    claim: 'VpcSubnetCidrReserved',
    release: 'VpcSubnetCidrReleased',
    what: (d) => `${String(d['subnetId'])} ${String(d['cidr'])}`,
  },
  {
    claim: 'SubnetAddressAllocated',
    release: 'SubnetAddressReleased',
    what: (d) => `${String(d['portId'])} ${String(d['ip'])} ${String(d['macAddress'])}`,
  },
  {
    claim: 'LeafVlanBound',
    release: 'LeafVlanUnbound',
    what: (d) => `${String(d['port'])} vlan ${String(d['vlan'])}`,
  },
];

/** Claims still held in the log: every claim event minus the releases of the same claim. */
export function outstandingClaims(events: readonly LoggedEvent[]): Map<ClaimKey, number> {
  const held = new Map<ClaimKey, number>();
  for (const event of events) {
    for (const family of families) {
      const sign = event.type === family.claim ? 1 : event.type === family.release ? -1 : 0;
      if (sign === 0) continue;
      const key = `${family.claim}|${event.stream}|${String(event.data['owner'])}|${family.what(event.data)}`;
      held.set(key, (held.get(key) ?? 0) + sign);
    }
  }
  for (const [key, times] of held) if (times === 0) held.delete(key);
  return held;
}

interface Live {
  readonly type: string;
  readonly stream: string;
  readonly data: Record<string, unknown>;
}

/** Resources created and not deleted, by their stream, with their creation's data. */
export function liveResources(events: readonly LoggedEvent[]): Map<string, Live> {
  const live = new Map<string, Live>();
  for (const event of events) {
    const match = /^(Tenant|Vpc|Subnet|Port)(Created|Deleted)$/.exec(event.type);
    if (!match) continue;
    if (match[2] === 'Created') live.set(event.stream, event);
    else live.delete(event.stream);
  }
  return live;
}

/** What a live resource must hold, as claim keys (see outstandingClaims). */
function expectedClaims({ type, data }: Live): ClaimKey[] {
  const owner = String(data['createdBy']);
  const tenant = `tenant-${String(data['tenantId'])}`;
  const vpc = `vpc-${String(data['tenantId'])}/${String(data['vpcId'])}`;
  switch (type) {
    case 'VpcCreated': {
      const routing = data['routing'] as { l3Vni: number };
      return [
        `TenantQuotaClaimed|${tenant}|${owner}|vpcs`,
        `VniAllocated|vni-pool-l3|${owner}|${routing.l3Vni}`,
      ];
    }
    case 'SubnetCreated':
      return [
        `TenantQuotaClaimed|${tenant}|${owner}|subnets`,
        `VniAllocated|vni-pool-l2|${owner}|${String(data['l2Vni'])}`,
        `VpcSubnetCidrReserved|${vpc}|${owner}|${String(data['subnetId'])} ${String(data['cidr'])}`,
      ];
    case 'PortCreated': {
      const subnet = `subnet-${String(data['tenantId'])}/${String(data['vpcId'])}/${String(data['subnetId'])}`;
      const binding = data['binding'] as { leafSwitch: string; vlan: number } | null;
      const portName = `tenants/${String(data['tenantId'])}/vpcs/${String(data['vpcId'])}/subnets/${String(data['subnetId'])}/ports/${String(data['portId'])}`;
      return [
        `TenantQuotaClaimed|${tenant}|${owner}|ports`,
        `SubnetAddressAllocated|${subnet}|${owner}|${String(data['portId'])} ${String(data['fixedIp'])} ${String(data['macAddress'])}`,
        ...(binding
          ? [
              `LeafVlanBound|leaf-vlans-${binding.leafSwitch}|${owner}|${portName} vlan ${binding.vlan}`,
            ]
          : []),
      ];
    }
    default:
      return [];
  }
}

/**
 * Quota, VNI, CIDR, address and VLAN accounting equals what the resources hold: every live
 * resource holds exactly its claims, and no claim is held by anything else (no orphan, no leak).
 */
export function checkClaims(events: readonly LoggedEvent[]): string[] {
  const held = outstandingClaims(events);
  const expected = new Map<ClaimKey, string>();
  for (const [stream, resource] of liveResources(events)) {
    for (const key of expectedClaims(resource)) expected.set(key, stream);
  }
  const violations: string[] = [];
  for (const [key, times] of held) {
    if (times !== 1) violations.push(`claim ${key} held ${times} times`);
    else if (!expected.has(key)) violations.push(`orphaned claim ${key}`);
  }
  for (const [key, stream] of expected) {
    if (!held.has(key)) violations.push(`${stream} lacks its claim ${key}`);
  }
  return violations;
}
