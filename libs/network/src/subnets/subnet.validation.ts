import type { FieldViolation } from '@loom/errors';
import { broadcastOf, containsAddress, formatIpv4, parseCidr, parseIpv4 } from '../shared/ipv4';

/** A subnet's block (/16 to /29) and its gateway: the given one or the first host address. */
export function checkSubnetAddressing(
  cidrText: string,
  gatewayText: string,
): { violations: FieldViolation[]; gatewayIp: string } {
  const cidr = parseCidr(cidrText);
  if ('error' in cidr)
    return { violations: [{ field: 'subnet.cidr', description: cidr.error }], gatewayIp: '' };
  if (cidr.prefixLength < 16 || cidr.prefixLength > 29) {
    return {
      violations: [
        { field: 'subnet.cidr', description: 'must have a prefix length from /16 to /29' },
      ],
      gatewayIp: '',
    };
  }
  if (gatewayText === '') return { violations: [], gatewayIp: formatIpv4(cidr.network + 1) };
  const gateway = parseIpv4(gatewayText);
  const usable =
    gateway !== undefined &&
    containsAddress(cidr, gateway) &&
    gateway !== cidr.network &&
    gateway !== broadcastOf(cidr);
  return usable
    ? { violations: [], gatewayIp: gatewayText }
    : {
        violations: [
          { field: 'subnet.gateway_ip', description: `must be a host address inside ${cidrText}` },
        ],
        gatewayIp: '',
      };
}
