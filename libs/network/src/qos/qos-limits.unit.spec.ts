import { accessInterfaceSpeedKbps, checkQosLimits } from './qos-limits';

const ok = { maxRateKbps: 10_000, maxBurstBytes: 15_000 };

describe('QoS limits', () => {
  it('accepts a rate up to the interface speed and a burst of one MTU or more', () => {
    expect(checkQosLimits('qos_policy', ok, undefined)).toEqual([]);
    expect(
      checkQosLimits('qos_policy', undefined, {
        maxRateKbps: accessInterfaceSpeedKbps,
        maxBurstBytes: 1500,
      }),
    ).toEqual([]);
  });

  it('names the field of a rate of 0, negative or beyond the interface speed, and of a burst under one MTU', () => {
    const fields = (ingress: typeof ok | undefined, egress: typeof ok | undefined) =>
      checkQosLimits('qos_policy', ingress, egress).map((violation) => violation.field);
    expect(fields({ ...ok, maxRateKbps: 0 }, undefined)).toEqual([
      'qos_policy.ingress.max_rate_kbps',
    ]);
    expect(fields(undefined, { ...ok, maxRateKbps: -5 })).toEqual([
      'qos_policy.egress.max_rate_kbps',
    ]);
    expect(fields({ ...ok, maxRateKbps: accessInterfaceSpeedKbps + 1 }, undefined)).toEqual([
      'qos_policy.ingress.max_rate_kbps',
    ]);
    expect(fields(undefined, { ...ok, maxBurstBytes: 1499 })).toEqual([
      'qos_policy.egress.max_burst_bytes',
    ]);
    expect(fields(undefined, undefined)).toEqual(['qos_policy.ingress']);
  });
});
