import { FailedPreconditionError, NotFoundError } from '@loom/errors';
import { specify } from '@loom/intents/testing';
import { externalGatewayDecider } from './external-gateway.decider';
import type { ExternalGatewayCreated } from './external-gateway.events';

const target = { tenantId: 'acme', vpcId: 'blue' };
const fields = {
  externalNetworkId: 'internet',
  transferBlock: '172.16.0.0/31',
  vrfAddress: '172.16.0.0/31',
  gatewayAddress: '172.16.0.1/31',
  snatAddress: '203.0.113.1',
};
const created: ExternalGatewayCreated = {
  type: 'ExternalGatewayCreated',
  data: { ...target, ...fields, createdBy: 'op-1' },
};
const attach = (floatingIp: string, privateAddress = '10.0.1.5', externalNetworkId = 'internet') =>
  ({ ...target, type: 'AttachFloatingIp', floatingIp, privateAddress, externalNetworkId }) as const;
const attached = (floatingIp: string, privateAddress = '10.0.1.5') =>
  ({ type: 'ExternalGatewayFloatingIpAttached', data: { floatingIp, privateAddress } }) as const;
const given = specify(externalGatewayDecider);

describe('external gateway decider', () => {
  it('creates once per operation, and activates or fails once', () => {
    const create = {
      ...target,
      type: 'CreateExternalGateway',
      ...fields,
      createdBy: 'op-1',
    } as const;
    given([]).when(create).then([created]);
    given([created]).when(create).then([]);
    given([created])
      .when({ ...target, type: 'ActivateExternalGateway' })
      .then([{ type: 'ExternalGatewayActivated', data: {} }]);
    given([created, { type: 'ExternalGatewayActivated', data: {} }])
      .when({ ...target, type: 'ActivateExternalGateway' })
      .then([]);
  });

  it('attaches floating IPs of its external network only; none without a gateway', () => {
    given([created])
      .when(attach('tenants/acme/floatingIps/f1'))
      .then([attached('tenants/acme/floatingIps/f1')]);
    given([created, attached('tenants/acme/floatingIps/f1')])
      .when(attach('tenants/acme/floatingIps/f1'))
      .then([]);
    given([created])
      .when(attach('tenants/acme/floatingIps/f1', '10.0.1.5', 'other'))
      .thenThrows(FailedPreconditionError, { type: 'OTHER_EXTERNAL_NETWORK' });
    given([]).when(attach('tenants/acme/floatingIps/f1')).thenThrows(FailedPreconditionError, {
      subject: 'tenants/acme/vpcs/blue',
      type: 'NO_EXTERNAL_GATEWAY',
    });
  });

  it('cannot be deleted while floating IPs are associated through it, naming them', () => {
    given([created, attached('tenants/acme/floatingIps/f1')])
      .when({ ...target, type: 'DeleteExternalGateway' })
      .thenThrows(FailedPreconditionError, {
        type: 'HAS_FLOATING_IPS',
        description: expect.stringContaining('tenants/acme/floatingIps/f1'),
      });
    given([
      created,
      attached('tenants/acme/floatingIps/f1'),
      {
        type: 'ExternalGatewayFloatingIpDetached',
        data: { floatingIp: 'tenants/acme/floatingIps/f1' },
      },
    ])
      .when({ ...target, type: 'DeleteExternalGateway' })
      .then([{ type: 'ExternalGatewayDeleted', data: created.data }]);
    given([])
      .when({ ...target, type: 'DeleteExternalGateway' })
      .thenThrows(NotFoundError);
  });
});
