import {
  isInterfaceAddress,
  isRouteValue,
  isUnicastMac,
  isVlan,
  isVni,
  isVrfName,
  parseIpv4,
  parseIpv4Prefix,
} from './addressing';

describe('addressing', () => {
  it('reads dotted quads and refuses leading zeros and out-of-range octets', () => {
    expect(parseIpv4('10.254.0.1')).toBe(0x0afe0001);
    expect(parseIpv4('10.254.0.01')).toBeUndefined();
    expect(parseIpv4('10.256.0.1')).toBeUndefined();
    expect(parseIpv4('10.0.1')).toBeUndefined();
  });

  it('takes prefixes only without host bits', () => {
    expect(parseIpv4Prefix('203.0.113.7/32')).toEqual({ network: 0xcb007107, length: 32 });
    expect(parseIpv4Prefix('10.0.0.0/8')).toEqual({ network: 0x0a000000, length: 8 });
    expect(parseIpv4Prefix('10.0.0.1/8')).toBeUndefined();
    expect(parseIpv4Prefix('10.0.0.0/33')).toBeUndefined();
    expect(parseIpv4Prefix('10.0.0.0')).toBeUndefined();
  });

  it('takes a gateway only as a host of its subnet', () => {
    expect(isInterfaceAddress('10.0.1.1/24')).toBe(true);
    expect(isInterfaceAddress('10.0.1.0/24')).toBe(false);
    expect(isInterfaceAddress('10.0.1.255/24')).toBe(false);
    expect(isInterfaceAddress('10.0.1.1/31')).toBe(true);
    expect(isInterfaceAddress('10.0.1.1')).toBe(false);
  });

  it('takes lowercase unicast MACs only', () => {
    expect(isUnicastMac('00:00:5e:00:01:01')).toBe(true);
    expect(isUnicastMac('00:00:5E:00:01:01')).toBe(false);
    expect(isUnicastMac('01:00:5e:00:00:01')).toBe(false);
    expect(isUnicastMac('00:00:00:00:00:00')).toBe(false);
  });

  it('knows the three RD/RT forms and their field sizes', () => {
    expect(isRouteValue('65000:10042')).toBe(true);
    expect(isRouteValue('10.254.0.1:2')).toBe(true);
    expect(isRouteValue('4200000000:7')).toBe(true);
    expect(isRouteValue('4200000000:70000')).toBe(false);
    expect(isRouteValue('10.254.0.1:70000')).toBe(false);
    expect(isRouteValue('65000')).toBe(false);
    expect(isRouteValue('as65000:1')).toBe(false);
  });

  it('bounds VNIs, VLANs and VRF names', () => {
    expect([isVni(1), isVni(16_777_215), isVni(0), isVni(16_777_216), isVni(1.5)]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect([isVlan(1), isVlan(4094), isVlan(0), isVlan(4095)]).toEqual([true, true, false, false]);
    expect([
      isVrfName('tenant-a.vpc_1'),
      isVrfName(''),
      isVrfName('-x'),
      isVrfName('a'.repeat(33)),
    ]).toEqual([true, false, false, false]);
  });
});
