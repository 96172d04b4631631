import { FailedPreconditionError, NotFoundError } from '@loom/errors';
import { specify } from '@loom/intents/testing';
import { describeResourceLifecycle, withEtag } from '../testing/resource-lifecycle.contract';
import { qosPolicyDecider } from './qos-policy.decider';
import type { QosAttachment, QosPolicyAttached, QosPolicyCreated } from './qos-policy.events';

const target = { tenantId: 'acme', qosPolicyId: 'gold' };
const tenMbit = { rateKbps: 10_000, burstBytes: 15_000 };
const hundredMbit = { rateKbps: 100_000, burstBytes: 125_000 };
const created: QosPolicyCreated = {
  type: 'QosPolicyCreated',
  data: { ...target, displayName: 'Gold', ingress: tenMbit, egress: null, createdBy: 'op-1' },
};
const vm1: QosAttachment = {
  resource: 'tenants/acme/vpcs/blue/subnets/web/ports/vm1',
  placement: { kind: 'port', leaf: 'leaf1', interface: 'swp1', vlan: 100, address: '10.0.1.5' },
};
const fip: QosAttachment = {
  resource: 'tenants/acme/floatingIps/web',
  placement: {
    kind: 'floatingIp',
    externalNetwork: 'internet',
    nodes: ['gw1', 'gw2'],
    vrf: 'vpc-blue',
    publicAddress: '203.0.113.7',
  },
};
const attached = (attachment: QosAttachment, operation = 'op-2'): QosPolicyAttached => ({
  type: 'QosPolicyAttached',
  data: { attachment, operation },
});
const given = specify(qosPolicyDecider);

describe('QoS policy decider', () => {
  describeResourceLifecycle({
    decider: qosPolicyDecider,
    name: 'tenants/acme/qosPolicies/gold',
    created,
    displayName: 'Gold',
    update: (displayName, etag) =>
      ({
        ...target,
        type: 'UpdateQosPolicy',
        displayName,
        operation: 'op-9',
        ...withEtag(etag),
      }) as const,
    updated: (displayName) => ({ type: 'QosPolicyUpdated', data: { displayName } }) as const,
    remove: (etag) => ({ ...target, type: 'DeleteQosPolicy', ...withEtag(etag) }) as const,
    deleted: { type: 'QosPolicyDeleted', data: { ...target, createdBy: 'op-1' } },
  });

  it('changes its limits, recording the ones before, and nothing when they are the same', () => {
    const update = (ingress: typeof tenMbit | null, egress: typeof tenMbit | null) =>
      ({
        ...target,
        type: 'UpdateQosPolicy',
        limits: { ingress, egress },
        operation: 'op-3',
      }) as const;
    given([created])
      .when(update(hundredMbit, tenMbit))
      .then([
        {
          type: 'QosPolicyLimitsChanged',
          data: {
            ingress: hundredMbit,
            egress: tenMbit,
            previous: { ingress: tenMbit, egress: null },
            operation: 'op-3',
          },
        },
      ]);
    given([created]).when(update(tenMbit, null)).then([]);
  });

  it('waits for its saga after a change of limits only when something is attached', () => {
    const changed = {
      type: 'QosPolicyLimitsChanged',
      data: {
        ingress: hundredMbit,
        egress: null,
        previous: { ingress: tenMbit, egress: null },
        operation: 'op-3',
      },
    } as const;
    const state = (events: Parameters<typeof given>[0]) =>
      events.reduce(qosPolicyDecider.evolve, qosPolicyDecider.initialState());
    expect(state([created, changed])).toMatchObject({
      policyStatus: 'ACTIVE',
      ingress: hundredMbit,
    });
    expect(
      state([created, attached(vm1), { type: 'QosPolicyActivated', data: {} }, changed]),
    ).toMatchObject({ policyStatus: 'PENDING' });
  });

  it('attaches a port and a floating IP once each and detaches them', () => {
    const attach = (attachment: QosAttachment) =>
      ({ ...target, type: 'AttachQosPolicy', attachment, operation: 'op-2' }) as const;
    given([created])
      .when(attach(vm1))
      .then([attached(vm1)]);
    given([created, attached(vm1)])
      .when(attach(vm1))
      .then([]);
    given([created, attached(vm1)])
      .when(attach(fip))
      .then([attached(fip)]);
    given([created, attached(vm1), attached(fip)])
      .when({ ...target, type: 'DetachQosPolicy', resource: fip.resource, operation: 'op-4' })
      .then([{ type: 'QosPolicyDetached', data: { attachment: fip, operation: 'op-4' } }]);
    given([created])
      .when({ ...target, type: 'DetachQosPolicy', resource: vm1.resource, operation: 'op-4' })
      .thenThrows(FailedPreconditionError, { type: 'NOT_ATTACHED' });
  });

  it('cannot be deleted while attached, and names the attachments', () => {
    given([created, attached(vm1), attached(fip)])
      .when({ ...target, type: 'DeleteQosPolicy' })
      .thenThrows(FailedPreconditionError, {
        type: 'HAS_ATTACHMENTS',
        description: expect.stringContaining(
          `${vm1.resource}, ${fip.resource}`,
        ) as unknown as string,
      });
  });

  it('is PENDING while its saga runs, then ACTIVE or ERROR with the reason', () => {
    const state = (events: Parameters<typeof given>[0]) =>
      events.reduce(qosPolicyDecider.evolve, qosPolicyDecider.initialState());
    expect(state([created, attached(vm1)])).toMatchObject({
      policyStatus: 'PENDING',
      attachments: [vm1],
    });
    expect(
      state([created, attached(vm1), { type: 'QosPolicyFailed', data: { reason: 'step failed' } }]),
    ).toMatchObject({ policyStatus: 'ERROR', statusReason: 'step failed' });
    given([created, attached(vm1)])
      .when({ ...target, type: 'ActivateQosPolicy' })
      .then([{ type: 'QosPolicyActivated', data: {} }]);
    given([created])
      .when({ ...target, type: 'ActivateQosPolicy' })
      .then([]);
    given([])
      .when({ ...target, type: 'ActivateQosPolicy' })
      .thenThrows(NotFoundError);
  });
});
