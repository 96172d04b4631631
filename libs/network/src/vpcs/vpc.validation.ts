import type { FieldViolation } from '@loom/errors';
import { overlaps, parseCidr, type Cidr } from '../shared/ipv4';

const maxBlocks = 5;

/** A VPC's blocks: 1 to 5 IPv4 CIDRs from /8 to /28 that do not overlap one another. */
export function checkCidrBlocks(field: string, blocks: readonly string[]): FieldViolation[] {
  if (blocks.length === 0 || blocks.length > maxBlocks) {
    return [{ field, description: `must hold 1 to ${maxBlocks} IPv4 CIDR blocks` }];
  }
  const violations: FieldViolation[] = [];
  const parsed: Cidr[] = [];
  blocks.forEach((text, index) => {
    const cidr = parseCidr(text);
    if ('error' in cidr) {
      violations.push({ field: `${field}[${index}]`, description: cidr.error });
    } else if (cidr.prefixLength < 8 || cidr.prefixLength > 28) {
      violations.push({
        field: `${field}[${index}]`,
        description: 'must have a prefix length from /8 to /28',
      });
    } else if (parsed.some((other) => overlaps(other, cidr))) {
      violations.push({
        field: `${field}[${index}]`,
        description: 'overlaps another block of the VPC',
      });
    } else {
      parsed.push(cidr);
    }
  });
  return violations;
}
