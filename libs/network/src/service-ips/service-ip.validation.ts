import type { FieldViolation } from '@loom/errors';
import { overlaps, parseCidr, type Cidr } from '../shared/ipv4';

/** How many management prefixes one VPC may reach (DNS, NTP, metadata, mirrors: a handful). */
export const maxServicePrefixes = 16;

/**
 * The management prefixes of a service IP, each named by its index: well-formed CIDRs without
 * host bits, never one that covers 0.0.0.0/0 (a service IP is not a default route to the
 * management network), no two overlapping, at least one and at most maxServicePrefixes.
 */
export function checkServicePrefixes(field: string, prefixes: readonly string[]): FieldViolation[] {
  if (prefixes.length === 0) {
    return [
      { field, description: 'must name at least one management prefix such as 10.0.200.10/32' },
    ];
  }
  if (prefixes.length > maxServicePrefixes) {
    return [{ field, description: `at most ${maxServicePrefixes} prefixes` }];
  }
  const parsed: Cidr[] = [];
  const violations: FieldViolation[] = [];
  prefixes.forEach((text, index) => {
    const at = `${field}[${index}]`;
    const cidr = parseCidr(text);
    if ('error' in cidr) {
      violations.push({ field: at, description: `${text} ${cidr.error}` });
    } else if (cidr.prefixLength === 0) {
      violations.push({ field: at, description: 'must not cover 0.0.0.0/0' });
    } else if (parsed.some((other) => overlaps(other, cidr))) {
      violations.push({ field: at, description: `${text} overlaps another prefix` });
    } else parsed.push(cidr);
  });
  return violations;
}
