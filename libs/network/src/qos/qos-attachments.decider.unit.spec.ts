import { FailedPreconditionError } from '@loom/errors';
import { specify } from '@loom/intents/testing';
import { qosAttachmentsDecider } from './qos-attachments.decider';

const port = 'tenants/acme/vpcs/blue/subnets/web/ports/vm1';
const gold = 'tenants/acme/qosPolicies/gold';
const silver = 'tenants/acme/qosPolicies/silver';
const given = specify(qosAttachmentsDecider);
const claimed = { type: 'QosAttachmentClaimed', data: { resource: port, policy: gold } } as const;

describe('QoS attachments decider', () => {
  it('gives a resource one policy; the same claim again is a no-op', () => {
    given([]).when({ type: 'ClaimQosAttachment', resource: port, policy: gold }).then([claimed]);
    given([claimed]).when({ type: 'ClaimQosAttachment', resource: port, policy: gold }).then([]);
    given([claimed])
      .when({ type: 'ClaimQosAttachment', resource: port, policy: silver })
      .thenThrows(FailedPreconditionError, { type: 'HAS_QOS_POLICY', subject: port });
  });

  it('releases only what the policy holds', () => {
    given([claimed])
      .when({ type: 'ReleaseQosAttachment', resource: port, policy: gold })
      .then([{ type: 'QosAttachmentReleased', data: { resource: port, policy: gold } }]);
    given([claimed])
      .when({ type: 'ReleaseQosAttachment', resource: port, policy: silver })
      .then([]);
    given([]).when({ type: 'ReleaseQosAttachment', resource: port, policy: gold }).then([]);
  });
});
