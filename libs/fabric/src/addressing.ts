/**
 * Syntax checks for the identifiers a switch accepts. Each accepts one canonical spelling only
 * (no leading zeros, lowercase MACs, no host bits in prefixes), so that two equal configurations
 * are always equal strings and state comparison never needs a normaliser.
 */

const octet = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const ipv4Pattern = new RegExp(`^${octet}\\.${octet}\\.${octet}\\.${octet}$`);
const decimal = /^(0|[1-9]\d*)$/;

/** The largest VNI: VXLAN carries a 24-bit segment id. */
export const maxVni = 16_777_215;

/** IPv4 address as an unsigned 32-bit integer, or undefined when not a dotted quad. */
export function parseIpv4(text: string): number | undefined {
  if (!ipv4Pattern.test(text)) return undefined;
  return text.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

function parseLength(text: string | undefined): number | undefined {
  return text !== undefined && /^(3[0-2]|[12]?\d)$/.test(text) ? Number(text) : undefined;
}

/** `a.b.c.d/n` with no host bits set, e.g. an announced prefix `203.0.113.7/32`. */
export function parseIpv4Prefix(
  text: string,
): { readonly network: number; readonly length: number } | undefined {
  const [address, lengthText, extra] = text.split('/');
  if (address === undefined || extra !== undefined) return undefined;
  const network = parseIpv4(address);
  const length = parseLength(lengthText);
  if (network === undefined || length === undefined) return undefined;
  return network % 2 ** (32 - length) === 0 ? { network, length } : undefined;
}

/**
 * An interface address `a.b.c.d/n` such as an anycast gateway `10.0.1.1/24`: a host of its
 * subnet, neither the network nor (below /31) the broadcast address.
 */
export function isInterfaceAddress(text: string): boolean {
  const [address, lengthText, extra] = text.split('/');
  if (address === undefined || extra !== undefined) return false;
  const value = parseIpv4(address);
  const length = parseLength(lengthText);
  if (value === undefined || length === undefined || length === 0) return false;
  if (length >= 31) return true;
  const offset = value % 2 ** (32 - length);
  return offset !== 0 && offset !== 2 ** (32 - length) - 1;
}

/** A unicast MAC in lowercase colon form; multicast (group bit set) and all-zero are refused. */
export function isUnicastMac(text: string): boolean {
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(text)) return false;
  const first = Number.parseInt(text.slice(0, 2), 16);
  return first % 2 === 0 && text !== '00:00:00:00:00:00';
}

function inRange(text: string, max: number): boolean {
  return decimal.test(text) && Number(text) <= max;
}

/**
 * Route distinguisher or route target value (RFC 4364 types 0, 1 and 2): `asn2:nn32`,
 * `ipv4:nn16` or `asn4:nn16`, e.g. `10.254.0.1:2` or `65000:10042`.
 */
export function isRouteValue(text: string): boolean {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return false;
  const admin = text.slice(0, colon);
  const assigned = text.slice(colon + 1);
  if (parseIpv4(admin) !== undefined) return inRange(assigned, 65_535);
  if (!decimal.test(admin)) return false;
  const asn = Number(admin);
  if (asn <= 65_535) return inRange(assigned, 4_294_967_295);
  return asn <= 4_294_967_295 && inRange(assigned, 65_535);
}

export function isVni(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= maxVni;
}

/** 802.1Q VLAN ids; 0 and 4095 are reserved. */
export function isVlan(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 4094;
}

/** VRF names as switches take them: a letter or digit first, at most 32 characters. */
export function isVrfName(text: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/.test(text);
}

/** Interface names such as `swp1`, `Ethernet1/1` or `GigabitEthernet1/0/1.100`. */
export function isInterfaceName(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9/._:-]{0,63}$/.test(text);
}

/** 4-byte BGP ASN, 0 excluded. */
export function isAsn(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 4_294_967_295
  );
}
