import { AbortedError, AlreadyExistsError, NotFoundError } from '@loom/errors';
import { specify } from '@loom/intents/testing';
import { describeResourceLifecycle, withEtag } from '../testing/resource-lifecycle.contract';
import { portDecider, type PortCommand } from './port.decider';
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
const update = (displayName: string, etag?: string): PortCommand => ({
  ...target,
  type: 'UpdatePort',
  displayName,
  ...withEtag(etag),
});
const remove = (etag?: string): PortCommand => ({
  ...target,
  type: 'DeletePort',
  ...withEtag(etag),
});
const given = specify(portDecider);

describe('port decider', () => {
  describeResourceLifecycle({
    decider: portDecider,
    name,
    created,
    displayName: 'VM 1',
    update,
    updated: renamed,
    remove,
    deleted,
  });

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

    it('makes each fabric verdict a new version: the etag read before it is stale', () => {
      given([created, activated])
        .when(update('Web', '"1"'))
        .thenThrows(AbortedError, { reason: 'ETAG_MISMATCH', resourceName: name });
      given([created, activated, failed('link down')])
        .when(update('Web', '"2"'))
        .thenThrows(AbortedError, { reason: 'ETAG_MISMATCH' });
      given([created, activated, failed('link down')])
        .when(update('Web', '"3"'))
        .then([renamed('Web')]);
      given([created, activated])
        .when(remove('"1"'))
        .thenThrows(AbortedError, { reason: 'ETAG_MISMATCH' });
    });

    it('refuses a port that does not exist or was deleted', () => {
      given([]).when(activate).thenThrows(NotFoundError, { resourceName: name });
      given([created, deleted]).when(activate).thenThrows(NotFoundError);
      given([]).when(fail('x')).thenThrows(NotFoundError, { resourceName: name });
      given([created, deleted]).when(fail('x')).thenThrows(NotFoundError);
    });
  });

  it('deletes a port never placed on a switch: no binding to release', () => {
    given([{ ...created, data: { ...created.data, binding: null } }])
      .when(remove())
      .then([{ ...deleted, data: { ...deleted.data, binding: null } }]);
  });
});
