/** IPv4 addresses as unsigned 32-bit integers; CIDR blocks as network + prefix length. */
export interface Cidr {
  readonly network: number;
  readonly prefixLength: number;
}

const octet = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const addressPattern = new RegExp(`^${octet}\\.${octet}\\.${octet}\\.${octet}$`);

export function parseIpv4(text: string): number | undefined {
  if (!addressPattern.test(text)) return undefined;
  return text.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

/** Parses `a.b.c.d/n`; refuses host bits set (10.0.0.1/24), so every block has one spelling. */
export function parseCidr(text: string): Cidr | { error: string } {
  const [addressText, lengthText, extra] = text.split('/');
  if (addressText === undefined || lengthText === undefined || extra !== undefined) {
    return { error: 'must be an IPv4 CIDR block such as 10.0.0.0/16' };
  }
  const network = parseIpv4(addressText);
  if (network === undefined || !/^(3[0-2]|[12]?\d)$/.test(lengthText)) {
    return { error: 'must be an IPv4 CIDR block such as 10.0.0.0/16' };
  }
  const prefixLength = Number(lengthText);
  if (network % blockSize(prefixLength) !== 0) {
    return {
      error: `has host bits set: did you mean ${formatCidr({ network: network - (network % blockSize(prefixLength)), prefixLength })}?`,
    };
  }
  return { network, prefixLength };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefixLength}`;
}

export function blockSize(prefixLength: number): number {
  return 2 ** (32 - prefixLength);
}

export function broadcastOf(cidr: Cidr): number {
  return cidr.network + blockSize(cidr.prefixLength) - 1;
}

export function containsAddress(cidr: Cidr, address: number): boolean {
  return address >= cidr.network && address <= broadcastOf(cidr);
}

export function containsCidr(outer: Cidr, inner: Cidr): boolean {
  return inner.prefixLength >= outer.prefixLength && containsAddress(outer, inner.network);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return containsAddress(a, b.network) || containsAddress(b, a.network);
}

/** Usable host addresses: all but the network and broadcast addresses. */
export function firstHost(cidr: Cidr): number {
  return cidr.network + 1;
}

export function lastHost(cidr: Cidr): number {
  return broadcastOf(cidr) - 1;
}

/** The first /31 of `pool` not in `taken` (blocks as `a.b.c.d/31`), or undefined when all are. */
export function firstFreeSlash31(
  pool: Cidr,
  taken: ReadonlyMap<string, unknown>,
): string | undefined {
  for (let offset = 0; offset + 1 < blockSize(pool.prefixLength); offset += 2) {
    const block = formatCidr({ network: pool.network + offset, prefixLength: 31 });
    if (!taken.has(block)) return block;
  }
  return undefined;
}
