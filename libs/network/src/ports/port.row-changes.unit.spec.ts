import { RecordedLog } from '../testing/recorded-log';
import type { PortCreated, PortEvent } from './port.events';
import { foldPortEvents } from './port.row-changes';

const name = 'tenants/acme/vpcs/prod/subnets/web/ports/p1';
const created: PortCreated['data'] = {
  tenantId: 'acme',
  vpcId: 'prod',
  subnetId: 'web',
  portId: 'p1',
  displayName: 'Port 1',
  kind: 'VIRTUAL_MACHINE',
  fixedIp: '10.0.1.10',
  macAddress: '02:00:00:00:00:01',
  binding: { host: 'host-1', leafSwitch: 'leaf1', interface: 'swp1', vlan: 100 },
  createdBy: 'tenants/acme/operations/op-1',
};

describe('port row changes', () => {
  let log: RecordedLog;
  const port = (event: PortEvent, at: string) => log.record('port-acme/prod/web/p1', event, at);
  beforeEach(() => {
    log = new RecordedLog();
  });

  it('inserts a port created and activated in one batch as ACTIVE', () => {
    const writes = foldPortEvents([
      port({ type: 'PortCreated', data: created }, '2026-01-01T00:00:00.000Z'),
      port({ type: 'PortActivated', data: {} }, '2026-01-01T00:00:01.000Z'),
    ]);
    expect(writes).toEqual({
      deletes: [],
      upserts: [
        {
          name,
          tenantId: 'acme',
          parent: 'tenants/acme/vpcs/prod/subnets/web',
          displayName: 'Port 1',
          kind: 'VIRTUAL_MACHINE',
          fixedIp: '10.0.1.10',
          macAddress: '02:00:00:00:00:01',
          binding: created.binding,
          status: 'ACTIVE',
          statusReason: '',
          // Created, then activated: a new version, so a new etag.
          version: 2,
          createTime: new Date('2026-01-01T00:00:00.000Z'),
          updateTime: new Date('2026-01-01T00:00:01.000Z'),
        },
      ],
      patches: [],
    });
  });

  it('turns changes to a port of an earlier batch into one patch: the later status wins, each change bumps the version', () => {
    const writes = foldPortEvents([
      port({ type: 'PortFailed', data: { reason: 'leaf1 is full' } }, '2026-01-01T00:00:01.000Z'),
      port({ type: 'PortUpdated', data: { displayName: 'web-1' } }, '2026-01-01T00:00:02.000Z'),
      port({ type: 'PortActivated', data: {} }, '2026-01-01T00:00:03.000Z'),
    ]);
    expect(writes).toEqual({
      deletes: [],
      upserts: [],
      patches: [
        {
          name,
          patch: {
            displayName: 'web-1',
            versionBumps: 3,
            status: 'ACTIVE',
            statusReason: '',
            updateTime: new Date('2026-01-01T00:00:03.000Z'),
          },
        },
      ],
    });
  });

  it('deletes a port, whether created in the batch or before', () => {
    const deleted = { ...created, binding: null };
    const writes = foldPortEvents([
      port({ type: 'PortCreated', data: created }, '2026-01-01T00:00:00.000Z'),
      port({ type: 'PortDeleted', data: deleted }, '2026-01-01T00:00:01.000Z'),
    ]);
    expect(writes).toEqual({ deletes: [name], upserts: [], patches: [] });
  });
});
