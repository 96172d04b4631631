import { AbortedError, AlreadyExistsError, NotFoundError } from '@loom/errors';
import { specify } from '@loom/intents/testing';
import { portDecider } from './port.decider';
import type { PortCreated, PortDeleted, PortEvent } from './port.events';

const target = { tenantId: 'acme', vpcId: 'blue', subnetId: 'web', portId: 'vm-1' };
const name = 'tenants/acme/vpcs/blue/subnets/web/ports/vm-1';
const binding = { host: 'host-1', leafSwitch: 'leaf-1', interface: 'eth1', vlan: 10 };
const create = {
  ...target,
  type: 'CreatePort',
  displayName: 'VM 1',
  kind: 'BARE_METAL',
  fixedIp: '10.0.1.2',
  macAddress: '02:00:00:00:00:01',
  binding,
  createdBy: 'op-1',
} as const;
const { type: _type, ...createdData } = create;
const created: PortCreated = { type: 'PortCreated', data: createdData };
const deleted: PortDeleted = {
  type: 'PortDeleted',
  data: { ...target, binding, createdBy: 'op-1' },
};
const renamed = (displayName: string) => ({ type: 'PortUpdated', data: { displayName } }) as const;
const activated: PortEvent = { type: 'PortActivated', data: {} };
const failed = (reason: string) => ({ type: 'PortFailed', data: { reason } }) as const;
const given = specify(portDecider);

describe('port decider', () => {
  describe('CreatePort', () => {
    it('records the port with every field of the command', () => {
      given([]).when(create).then([created]);
      given([])
        .when({ ...create, kind: 'VIRTUAL_MACHINE', binding: null })
        .then([{ ...created, data: { ...created.data, kind: 'VIRTUAL_MACHINE', binding: null } }]);
    });

    it('decides nothing on a retry by the operation that created it', () => {
      given([created]).when(create).then([]);
      given([created, renamed('renamed'), activated])
        .when(create)
        .then([]);
    });

    it('refuses another creator while the port exists', () => {
      given([created])
        .when({ ...create, createdBy: 'op-2' })
        .thenThrows(AlreadyExistsError, { resourceName: name });
    });

    it('creates the port again once it was deleted', () => {
      given([created, deleted])
        .when({ ...create, createdBy: 'op-2' })
        .then([{ ...created, data: { ...created.data, createdBy: 'op-2' } }]);
    });
  });

  describe('UpdatePort', () => {
    const update = (displayName: string, etag?: string) =>
      ({
        ...target,
        type: 'UpdatePort',
        displayName,
        ...(etag === undefined ? {} : { etag }),
      }) as const;

    it('renames the port, with no etag, an empty one or the current one', () => {
      given([created])
        .when(update('Web'))
        .then([renamed('Web')]);
      given([created])
        .when(update('Web', ''))
        .then([renamed('Web')]);
      given([created])
        .when(update('Web', '"1"'))
        .then([renamed('Web')]);
    });

    it('decides nothing when the name is already the one asked for', () => {
      given([created]).when(update('VM 1', '"1"')).then([]);
    });

    it('refuses a stale etag: each update is a new version, the fabric verdict is not', () => {
      given([created])
        .when(update('Web', '"2"'))
        .thenThrows(AbortedError, { reason: 'ETAG_MISMATCH', resourceName: name });
      given([created, renamed('Web')])
        .when(update('Db', '"1"'))
        .thenThrows(AbortedError, { reason: 'ETAG_MISMATCH' });
      given([created, renamed('Web')])
        .when(update('Db', '"2"'))
        .then([renamed('Db')]);
      given([created, activated, failed('link down')])
        .when(update('Web', '"1"'))
        .then([renamed('Web')]);
    });

    it('refuses a port that does not exist or was deleted', () => {
      given([]).when(update('Web')).thenThrows(NotFoundError, { resourceName: name });
      given([created, deleted])
        .when(update('Web'))
        .thenThrows(NotFoundError, { resourceName: name });
    });
  });

  describe('the fabric verdict', () => {
    const activate = { ...target, type: 'ActivatePort' } as const;
    const fail = (reason: string) => ({ ...target, type: 'FailPort', reason }) as const;

    it('activates a pending or failed port, once', () => {
      given([created]).when(activate).then([activated]);
      given([created, failed('timeout')])
        .when(activate)
        .then([activated]);
      given([created, activated]).when(activate).then([]);
    });

    it('fails a pending or active port with its reason, once', () => {
      given([created])
        .when(fail('leaf unreachable'))
        .then([failed('leaf unreachable')]);
      given([created, activated])
        .when(fail('link down'))
        .then([failed('link down')]);
      given([created, failed('leaf unreachable')])
        .when(fail('another reason'))
        .then([]);
    });

    it('refuses a port that does not exist or was deleted', () => {
      given([]).when(activate).thenThrows(NotFoundError, { resourceName: name });
      given([created, deleted]).when(activate).thenThrows(NotFoundError);
      given([]).when(fail('x')).thenThrows(NotFoundError, { resourceName: name });
      given([created, deleted]).when(fail('x')).thenThrows(NotFoundError);
    });
  });

  describe('DeletePort', () => {
    const remove = (etag?: string) =>
      ({ ...target, type: 'DeletePort', ...(etag === undefined ? {} : { etag }) }) as const;

    it('deletes the port with what its claims need to be released', () => {
      given([created]).when(remove()).then([deleted]);
      given([created]).when(remove('"1"')).then([deleted]);
      given([created, renamed('Web')])
        .when(remove('"2"'))
        .then([deleted]);
      given([{ ...created, data: { ...created.data, binding: null } }])
        .when(remove())
        .then([{ ...deleted, data: { ...deleted.data, binding: null } }]);
    });

    it('refuses a stale etag', () => {
      given([created, renamed('Web')])
        .when(remove('"1"'))
        .thenThrows(AbortedError, { reason: 'ETAG_MISMATCH', resourceName: name });
    });

    it('refuses a port that does not exist, or a second delete', () => {
      given([]).when(remove()).thenThrows(NotFoundError, { resourceName: name });
      given([created, deleted]).when(remove()).thenThrows(NotFoundError, { resourceName: name });
    });
  });
});
