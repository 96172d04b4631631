import { fold, type Decider, type DomainEvent } from '@loom/intents';
import type { RecordedEvent } from '@loom/event-store';
import type { RowPatching, TableWrites } from '@loom/projections';
import { portDecider } from '../ports/port.decider';
import type { PortEvent } from '../ports/port.events';
import { foldPortEvents, portPatching } from '../ports/port.row-changes';
import { resourcePatching } from '../shared/resource-patch';
import { subnetDecider } from '../subnets/subnet.decider';
import type { SubnetEvent } from '../subnets/subnet.events';
import { foldSubnetEvents } from '../subnets/subnet.row-changes';
import { tenantDecider } from '../tenants/tenant.decider';
import type { TenantEvent } from '../tenants/tenant.events';
import { foldTenantEvents, tenantPatching } from '../tenants/tenant.row-changes';
import { RecordedLog } from '../testing/recorded-log';
import { vpcDecider } from '../vpcs/vpc.decider';
import type { VpcEvent } from '../vpcs/vpc.events';
import { foldVpcEvents } from '../vpcs/vpc.row-changes';

/*
 * The etag Get returns is the read model row's version; the etag an Update or Delete is checked
 * against is the decider's. Both count the same events: every change Get shows, and no other.
 */

interface Versioned {
  readonly version: number;
}

interface Resource<Event extends DomainEvent> {
  readonly stream: string;
  readonly decider: Pick<Decider<unknown, Event, unknown>, 'evolve' | 'initialState'>;
  readonly fold: (events: readonly RecordedEvent[]) => TableWrites<Versioned, unknown>;
  readonly patching: RowPatching<Versioned, unknown>;
  /** Its history, every event type of its stream but the delete. */
  readonly history: readonly Event[];
  /** The events of `history` that change what Get shows. */
  readonly visible: readonly Event['type'][];
}

const owner = 'tenants/acme/operations/op-1';
const quota = { vpcs: 5, subnets: 5, ports: 5, floatingIps: 0 };

const tenant: Resource<TenantEvent> = {
  stream: 'tenant-acme',
  decider: tenantDecider,
  fold: foldTenantEvents,
  patching: tenantPatching,
  history: [
    { type: 'TenantCreated', data: { tenantId: 'acme', displayName: 'Acme', quota } },
    { type: 'TenantQuotaClaimed', data: { resource: 'vpcs', owner } },
    { type: 'TenantUpdated', data: { displayName: 'Acme Corp', quota } },
    { type: 'TenantQuotaClaimed', data: { resource: 'ports', owner } },
    { type: 'TenantQuotaReleased', data: { resource: 'vpcs', owner } },
  ],
  visible: ['TenantCreated', 'TenantQuotaClaimed', 'TenantUpdated', 'TenantQuotaReleased'],
};

const binding = { host: 'hv-1', leafSwitch: 'leaf1', interface: 'swp1', vlan: 10 };
const port: Resource<PortEvent> = {
  stream: 'port-acme/blue/web/p1',
  decider: portDecider,
  fold: foldPortEvents,
  patching: portPatching,
  history: [
    {
      type: 'PortCreated',
      data: {
        tenantId: 'acme',
        vpcId: 'blue',
        subnetId: 'web',
        portId: 'p1',
        displayName: '',
        kind: 'VIRTUAL_MACHINE',
        fixedIp: '10.0.1.2',
        macAddress: '02:00:0a:00:01:02',
        binding,
        createdBy: owner,
      },
    },
    { type: 'PortActivated', data: {} },
    { type: 'PortUpdated', data: { displayName: 'web' } },
    { type: 'PortFailed', data: { reason: 'leaf1 unreachable' } },
    { type: 'PortActivated', data: {} },
  ],
  visible: ['PortCreated', 'PortActivated', 'PortUpdated', 'PortFailed'],
};

const routing = {
  l3Vni: 50001,
  vrfName: 'vrf-50001',
  routeDistinguisher: '65000:50001',
  importRouteTargets: ['65000:50001'],
  exportRouteTargets: ['65000:50001'],
};
const vpc: Resource<VpcEvent> = {
  stream: 'vpc-acme/blue',
  decider: vpcDecider,
  fold: foldVpcEvents,
  patching: resourcePatching<Versioned & { displayName: string; updateTime: Date }>(),
  history: [
    { type: 'VpcNameReserved', data: { tenantId: 'acme', vpcId: 'blue', createdBy: owner } },
    {
      type: 'VpcCreated',
      data: {
        tenantId: 'acme',
        vpcId: 'blue',
        displayName: '',
        cidrBlocks: ['10.0.0.0/16'],
        routing,
        createdBy: owner,
      },
    },
    { type: 'VpcSubnetCidrReserved', data: { subnetId: 'web', cidr: '10.0.1.0/24', owner } },
    { type: 'VpcUpdated', data: { displayName: 'Blue' } },
    { type: 'VpcSubnetCidrReleased', data: { subnetId: 'web', cidr: '10.0.1.0/24', owner } },
  ],
  visible: ['VpcCreated', 'VpcUpdated'],
};

const subnet: Resource<SubnetEvent> = {
  stream: 'subnet-acme/blue/web',
  decider: subnetDecider,
  fold: foldSubnetEvents,
  patching: resourcePatching<Versioned & { displayName: string; updateTime: Date }>(),
  history: [
    {
      type: 'SubnetCreated',
      data: {
        tenantId: 'acme',
        vpcId: 'blue',
        subnetId: 'web',
        displayName: '',
        cidr: '10.0.1.0/24',
        gatewayIp: '10.0.1.1',
        l2Vni: 10001,
        createdBy: owner,
      },
    },
    {
      type: 'SubnetAddressAllocated',
      data: { portId: 'p1', ip: '10.0.1.2', macAddress: '02:00:0a:00:01:02', owner },
    },
    { type: 'SubnetUpdated', data: { displayName: 'Web' } },
    {
      type: 'SubnetAddressReleased',
      data: { portId: 'p1', ip: '10.0.1.2', macAddress: '02:00:0a:00:01:02', owner },
    },
  ],
  visible: ['SubnetCreated', 'SubnetUpdated'],
};

function deciderVersion<Event extends DomainEvent>(
  resource: Resource<Event>,
  events: readonly Event[],
): number | undefined {
  const state = fold(resource.decider, events) as Partial<Versioned>;
  return state.version;
}

function recorded<Event extends DomainEvent>(
  resource: Resource<Event>,
  events: readonly Event[],
): RecordedEvent[] {
  const log = new RecordedLog();
  return events.map((event, index) =>
    log.record(resource.stream, event, new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString()),
  );
}

/** The row's version after `events`, written in two batches split at `split`. */
function rowVersion<Event extends DomainEvent>(
  resource: Resource<Event>,
  events: readonly Event[],
  split: number,
): number | undefined {
  const all = recorded(resource, events);
  const [row] = resource.fold(all.slice(0, split)).upserts;
  if (row === undefined) return undefined;
  const later = resource.fold(all.slice(split)).patches;
  return later.reduce((current, { patch }) => resource.patching.applyTo(current, patch), row)
    .version;
}

describe.each([
  ['tenant', tenant],
  ['port', port],
  ['VPC', vpc],
  ['subnet', subnet],
] as const)('the etag of a %s', (_label, resource: Resource<DomainEvent>) => {
  const { history, visible } = resource;
  const created = history.findIndex((event) => visible.includes(event.type));

  it('is the same version in its decider and in its read model row, at every point of its history', () => {
    for (let length = created + 1; length <= history.length; length += 1) {
      const events = history.slice(0, length);
      const expected = deciderVersion(resource, events);
      for (let split = created + 1; split <= length; split += 1) {
        expect({ length, split, version: rowVersion(resource, events, split) }).toEqual({
          length,
          split,
          version: expected,
        });
      }
    }
  });

  it('changes with every event that changes what Get shows, and with no other', () => {
    for (let index = created + 1; index < history.length; index += 1) {
      const event = history[index]!;
      const before = deciderVersion(resource, history.slice(0, index));
      const after = deciderVersion(resource, history.slice(0, index + 1));
      expect({ type: event.type, changed: after !== before }).toEqual({
        type: event.type,
        changed: visible.includes(event.type),
      });
    }
  });
});
