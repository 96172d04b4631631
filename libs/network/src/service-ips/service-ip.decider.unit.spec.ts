import { AbortedError, AlreadyExistsError, NotFoundError } from '@loom/errors';
import { fold } from '@loom/intents';
import { specify } from '@loom/intents/testing';
import { serviceIpDecider, type ServiceIpCommand } from './service-ip.decider';
import type { ServiceIpEvent } from './service-ip.events';

const given = specify(serviceIpDecider);
const target = { tenantId: 'acme', vpcId: 'blue' };
const data = {
  ...target,
  prefixes: ['10.0.200.10/32'],
  node: 'border1',
  block: '100.64.0.0/31',
  vrfAddress: '100.64.0.1/31',
  nodeAddress: '100.64.0.0/31',
  address: '100.64.0.1',
  createdBy: 'tenants/acme/operations/op-1',
};
const create: ServiceIpCommand = { type: 'CreateServiceIp', ...data };
const created: ServiceIpEvent = { type: 'ServiceIpCreated', data };

describe('service IP decider', () => {
  it('creates it once; a retry by its operation decides nothing, another create is refused', () => {
    given([]).when(create).then([created]);
    given([created]).when(create).then([]);
    given([created])
      .when({ ...create, createdBy: 'tenants/acme/operations/op-2' })
      .thenThrows(AlreadyExistsError, /serviceIp/);
  });

  it('is PENDING until its saga ends, then ACTIVE or ERROR with the reason', () => {
    expect(fold(serviceIpDecider, [created])).toMatchObject({
      serviceIpStatus: 'PENDING',
      version: 1,
    });
    given([created])
      .when({ type: 'ActivateServiceIp', ...target })
      .then([{ type: 'ServiceIpActivated', data: {} }]);
    const failed: ServiceIpEvent = { type: 'ServiceIpFailed', data: { reason: 'border1 down' } };
    expect(fold(serviceIpDecider, [created, failed])).toMatchObject({
      serviceIpStatus: 'ERROR',
      statusReason: 'border1 down',
      version: 2,
    });
    given([created, failed])
      .when({ type: 'FailServiceIp', ...target, reason: 'again' })
      .then([]);
  });

  it('comes back in ERROR when its clearing failed, unless a new one was made meanwhile', () => {
    const deleted: ServiceIpEvent = { type: 'ServiceIpDeleted', data };
    const restore: ServiceIpCommand = {
      type: 'RestoreServiceIp',
      ...target,
      deleted: data,
      reason: 'fabric step remove-service-link failed and was undone',
    };
    given([created, deleted])
      .when(restore)
      .then([{ type: 'ServiceIpRestored', data: { ...data, reason: restore.reason } }]);
    expect(
      fold(serviceIpDecider, [
        created,
        deleted,
        { type: 'ServiceIpRestored', data: { ...data, reason: restore.reason } },
      ]),
    ).toMatchObject({ status: 'Active', serviceIpStatus: 'ERROR', statusReason: restore.reason });
    given([created]).when(restore).then([]);
  });

  it('deletes it with everything its clearing needs, checking the etag', () => {
    given([created])
      .when({ type: 'DeleteServiceIp', ...target })
      .then([{ type: 'ServiceIpDeleted', data }]);
    given([created])
      .when({ type: 'DeleteServiceIp', ...target, etag: '"7"' })
      .thenThrows(AbortedError, /changed since it was read/);
    const deleted: ServiceIpEvent = { type: 'ServiceIpDeleted', data };
    given([created, deleted])
      .when({ type: 'DeleteServiceIp', ...target })
      .thenThrows(NotFoundError, /tenants\/acme\/vpcs\/blue\/serviceIp/);
    given([])
      .when({ type: 'ActivateServiceIp', ...target })
      .thenThrows(NotFoundError);
  });
});
