import fc from 'fast-check';
import {
  containsCidr,
  formatCidr,
  formatIpv4,
  overlaps,
  parseCidr,
  parseIpv4,
  type Cidr,
} from './ipv4';

const cidrArbitrary = fc
  .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }))
  .map(([address, prefixLength]): Cidr => {
    const size = 2 ** (32 - prefixLength);
    return { network: address - (address % size), prefixLength };
  });

describe('IPv4', () => {
  it('formats and parses addresses back to the same number', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (address) => parseIpv4(formatIpv4(address)) === address,
      ),
    );
  });

  it('parses what it formats, for every CIDR', () => {
    fc.assert(
      fc.property(cidrArbitrary, (cidr) => {
        expect(parseCidr(formatCidr(cidr))).toEqual(cidr);
      }),
    );
  });

  it('refuses malformed addresses and blocks with host bits', () => {
    for (const text of [
      '256.0.0.0/8',
      '10.0.0/8',
      '10.0.0.0/33',
      '10.0.0.0',
      '10.0.0.1/24',
      '010.0.0.0/8',
      ' 10.0.0.0/8',
    ]) {
      expect(parseCidr(text)).toHaveProperty('error');
    }
    expect(parseCidr('10.0.0.1/24')).toEqual({
      error: 'has host bits set: did you mean 10.0.0.0/24?',
    });
  });

  it('knows overlap is symmetric and implied by containment', () => {
    fc.assert(
      fc.property(cidrArbitrary, cidrArbitrary, (a, b) => {
        expect(overlaps(a, b)).toBe(overlaps(b, a));
        if (containsCidr(a, b)) expect(overlaps(a, b)).toBe(true);
      }),
    );
    const block = parseCidr('10.0.0.0/16') as Cidr;
    expect(overlaps(block, parseCidr('10.0.255.0/24') as Cidr)).toBe(true);
    expect(overlaps(block, parseCidr('10.1.0.0/24') as Cidr)).toBe(false);
  });
});
