import type { FieldViolation } from '@loom/errors';
import type { QosLimit, QosLimits } from './qos-policy.events';

/** The largest frame a port carries (bytes): a burst must hold at least one. */
export const qosMtuBytes = 1500;

/**
 * The speed of a leaf's access interface in kbit/s (10 Gbit/s, as the default topology's
 * leaves): no rate may exceed it.
 */
export const accessInterfaceSpeedKbps = 10_000_000;

/** A limit as the API gives it; absent: that direction is not limited. */
export interface QosLimitInput {
  readonly maxRateKbps: number;
  readonly maxBurstBytes: number;
}

export function checkLimit(field: string, limit: QosLimitInput): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const { maxRateKbps: rate, maxBurstBytes: burst } = limit;
  if (!Number.isSafeInteger(rate) || rate <= 0) {
    violations.push({
      field: `${field}.max_rate_kbps`,
      description: `must be a whole number of kbit/s above 0, not ${rate}`,
    });
  } else if (rate > accessInterfaceSpeedKbps) {
    violations.push({
      field: `${field}.max_rate_kbps`,
      description: `${rate} kbit/s is beyond the interface speed (${accessInterfaceSpeedKbps} kbit/s)`,
    });
  }
  if (!Number.isSafeInteger(burst) || burst < qosMtuBytes) {
    violations.push({
      field: `${field}.max_burst_bytes`,
      description: `must be at least one MTU (${qosMtuBytes} bytes), not ${burst}`,
    });
  }
  return violations;
}

/**
 * The violations of a policy's limits (`prefix` is the request's field, e.g. `qos_policy`): rates
 * from 1 kbit/s to the interface speed, bursts of at least one MTU, at least one direction.
 */
export function checkQosLimits(
  prefix: string,
  ingress: QosLimitInput | undefined,
  egress: QosLimitInput | undefined,
): FieldViolation[] {
  if (!ingress && !egress) {
    return [
      { field: `${prefix}.ingress`, description: 'a QoS policy limits ingress, egress or both' },
    ];
  }
  return [
    ...(ingress ? checkLimit(`${prefix}.ingress`, ingress) : []),
    ...(egress ? checkLimit(`${prefix}.egress`, egress) : []),
  ];
}

export const toLimit = (limit: QosLimitInput | null | undefined): QosLimit | null =>
  limit ? { rateKbps: limit.maxRateKbps, burstBytes: limit.maxBurstBytes } : null;

/** The limits as the policy records them (checked first with checkQosLimits). */
export function toQosLimits(
  ingress: QosLimitInput | undefined,
  egress: QosLimitInput | undefined,
): QosLimits {
  return { ingress: toLimit(ingress), egress: toLimit(egress) };
}
