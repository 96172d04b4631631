import { limitText, qosPolicyFields } from './qos-policies.command';

describe('loomctl qos-policies views', () => {
  it('shows a limit in Mbit/s when whole, in kbit/s otherwise, and - when unlimited', () => {
    expect(limitText({ maxRateKbps: 10_000, maxBurstBytes: 15_000 })).toBe(
      '10 Mbit/s, burst 15000 B',
    );
    expect(limitText({ maxRateKbps: 1_500, maxBurstBytes: 1_500 })).toBe(
      '1500 kbit/s, burst 1500 B',
    );
    expect(limitText(null)).toBe('-');
  });

  it('lists the fields of a policy, attachments joined', () => {
    expect(
      qosPolicyFields({
        name: 'tenants/acme/qosPolicies/gold',
        displayName: 'Gold',
        ingress: { maxRateKbps: 100_000, maxBurstBytes: 150_000 },
        egress: null,
        attachments: ['tenants/acme/floatingIps/web', 'tenants/acme/vpcs/b/subnets/s/ports/vm1'],
        status: 'QOS_POLICY_ACTIVE' as never,
        statusReason: '',
        etag: '"3"',
      }),
    ).toEqual([
      ['name', 'tenants/acme/qosPolicies/gold'],
      ['display_name', 'Gold'],
      ['ingress', '100 Mbit/s, burst 150000 B'],
      ['egress', '-'],
      ['attachments', 'tenants/acme/floatingIps/web, tenants/acme/vpcs/b/subnets/s/ports/vm1'],
      ['status', 'QOS_POLICY_ACTIVE'],
      ['status_reason', ''],
      ['etag', '"3"'],
    ]);
  });
});
