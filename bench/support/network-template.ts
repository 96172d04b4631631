import './loom-aliases';
import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '../../libs/event-store/src/envelope';
import type { EventStore } from '../../libs/event-store/src/event-store.port';
import { PostgresEventStore } from '../../libs/event-store/src/postgres/postgres-event-store';
import {
  createNetworkServices,
  type NetworkServices,
} from '../../libs/network/src/network-services';
import type { RequestContext } from '@loom/intents';
import { defaultNetworkSettings } from '../../libs/network/src/shared/network-settings';
import { createPool } from '../../libs/postgres/src';

/** The tenant id the template is created under; every clone replaces it with its own. */
const templateTenant = 'benchtemplate';

/** One tenant's resources: VPCs, subnets per VPC, ports per subnet (bound to leaf1-leaf4). */
export const templateShape = { vpcs: 4, subnetsPerVpc: 4, portsPerSubnet: 8 } as const;
export const leaves = ['leaf1', 'leaf2', 'leaf3', 'leaf4'] as const;

export interface TemplateCounts {
  readonly tenants: 1;
  readonly vpcs: number;
  readonly subnets: number;
  readonly ports: number;
  /** One per VPC, subnet and port create. */
  readonly operations: number;
}

export const templateCounts: TemplateCounts = (() => {
  const { vpcs, subnetsPerVpc, portsPerSubnet } = templateShape;
  const subnets = vpcs * subnetsPerVpc;
  const ports = subnets * portsPerSubnet;
  return { tenants: 1, vpcs, subnets, ports, operations: vpcs + subnets + ports };
})();

/**
 * Every event one tenant's creation writes, in the order it wrote them: a tenant, its VPCs,
 * subnets and bound ports, each created through the real services of libs/network (with a
 * request_id, as the portal sends; without a fabric, so a bound port is active at once), on a
 * database of its own. Cloned per tenant by `tenantEvents`, it loads a large log quickly while
 * every event is exactly what the services write.
 */
export interface NetworkTemplate {
  readonly events: readonly TemplateEvent[];
}

export interface TemplateEvent {
  readonly stream: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** data and metadata as JSON, with the template's tenant id to be replaced. */
  readonly json: string;
}

export async function createNetworkTemplate(url: string): Promise<NetworkTemplate> {
  const pool = createPool(url, 8);
  const store = new PostgresEventStore({ pool });
  try {
    await createTenantResources(store);
    const events: TemplateEvent[] = [];
    for await (const event of store.readAll()) events.push(templateEvent(event));
    return { events };
  } finally {
    await store.close();
    await pool.end();
  }
}

async function createTenantResources(store: EventStore): Promise<void> {
  const services = createNetworkServices(store, defaultNetworkSettings);
  const context = { actor: 'bench@loom.example', correlationId: randomUUID() };
  const tenantId = templateTenant;
  const { vpcs, subnetsPerVpc, portsPerSubnet } = templateShape;
  await services.tenants.create(
    {
      tenantId,
      displayName: 'Bench tenant',
      quota: { vpcs: 100, subnets: 1_000, ports: 10_000, floatingIps: 0 },
      requestId: randomUUID(),
    },
    context,
  );
  let portIndex = 0;
  await createVpcsWithSubnets(
    services,
    context,
    tenantId,
    vpcs,
    subnetsPerVpc,
    async (vpcId, subnetId, v, s) => {
      // The ports of a subnet at once: the services queue appends to one stream in-process.
      await Promise.all(
        Array.from({ length: portsPerSubnet }, (_, p) => {
          const index = portIndex + p;
          return services.ports.create(
            {
              tenantId,
              vpcId,
              subnetId,
              portId: `port-${p}`,
              displayName: `Port ${v}.${s}.${p}`,
              kind: 'VIRTUAL_MACHINE',
              fixedIp: '',
              macAddress: '',
              binding: {
                host: `host-${index}`,
                leafSwitch: leaves[index % leaves.length] ?? 'leaf1',
                interface: `swp${1 + (Math.floor(index / leaves.length) % 48)}`,
                vlan: 0,
              },
              requestId: randomUUID(),
            },
            context,
          );
        }),
      );
      portIndex += portsPerSubnet;
    },
  );
}

/**
 * Creates `vpcs` VPCs (10.v.0.0/16) of `subnetsPerVpc` subnets each (10.v.s.0/24) under `tenantId`,
 * one after another, calling `afterSubnet` after each subnet; resolves with the subnets in order.
 */
export async function createVpcsWithSubnets(
  services: NetworkServices,
  context: RequestContext,
  tenantId: string,
  vpcs: number,
  subnetsPerVpc: number,
  afterSubnet?: (vpcId: string, subnetId: string, v: number, s: number) => Promise<void>,
): Promise<{ vpcId: string; subnetId: string }[]> {
  const subnets: { vpcId: string; subnetId: string }[] = [];
  for (let v = 0; v < vpcs; v += 1) {
    const vpcId = `vpc-${v}`;
    await services.vpcs.create(
      {
        tenantId,
        vpcId,
        displayName: `VPC ${v}`,
        cidrBlocks: [`10.${v}.0.0/16`],
        requestId: randomUUID(),
      },
      context,
    );
    for (let s = 0; s < subnetsPerVpc; s += 1) {
      const subnetId = `subnet-${s}`;
      await services.subnets.create(
        {
          tenantId,
          vpcId,
          subnetId,
          displayName: `Subnet ${v}.${s}`,
          cidr: `10.${v}.${s}.0/24`,
          gatewayIp: '',
          requestId: randomUUID(),
        },
        context,
      );
      subnets.push({ vpcId, subnetId });
      await afterSubnet?.(vpcId, subnetId, v, s);
    }
  }
  return subnets;
}

function templateEvent(event: RecordedEvent): TemplateEvent {
  return {
    stream: event.stream,
    type: event.type,
    schemaVersion: event.schemaVersion,
    json: JSON.stringify({ data: event.data, metadata: event.metadata }),
  };
}

export interface StreamAppend {
  readonly stream: string;
  readonly events: NewEvent[];
}

/**
 * The template's events for tenant `tenantId`, grouped by stream in the order of each stream's
 * first event: one append per stream. Streams shared by all tenants (the VNI pools, the leaves'
 * VLANs) come separately, to be appended in large batches.
 */
export function tenantEvents(
  template: NetworkTemplate,
  tenantId: string,
): { own: StreamAppend[]; shared: StreamAppend[] } {
  const own = new Map<string, NewEvent[]>();
  const shared = new Map<string, NewEvent[]>();
  for (const event of template.events) {
    const isOwn = event.stream.includes(templateTenant);
    const stream = event.stream.split(templateTenant).join(tenantId);
    const { data, metadata } = JSON.parse(event.json.split(templateTenant).join(tenantId)) as Pick<
      NewEvent,
      'data' | 'metadata'
    >;
    const target = isOwn ? own : shared;
    let events = target.get(stream);
    if (events === undefined) {
      events = [];
      target.set(stream, events);
    }
    events.push({
      type: event.type,
      schemaVersion: event.schemaVersion,
      data,
      ...(metadata ? { metadata } : {}),
    });
  }
  const appends = (streams: Map<string, NewEvent[]>): StreamAppend[] =>
    [...streams].map(([stream, events]) => ({ stream, events }));
  return { own: appends(own), shared: appends(shared) };
}
