import { dnatOf, snatOf, type NatRule } from './gateway-nat';
import { parseGatewayBgp } from './gateway-state';

describe('reading a gateway node back', () => {
  it('finds announcements and both sides of each default route in the running configuration', () => {
    const config = [
      'router bgp 65301',
      ' neighbor 172.16.0.0 remote-as internal',
      ' address-family ipv4 unicast',
      '  network 10.254.0.21/32',
      '  network 198.51.100.7/32',
      '  neighbor 172.16.0.0 route-map LOOM-TO-VPC out',
      ' exit-address-family',
      'exit',
      'router bgp 65301 vrf blue',
      ' address-family ipv4 unicast',
      '  network 10.9.0.0/24',
      '  neighbor 172.16.0.1 route-map LOOM-FROM-GATEWAY in',
      ' exit-address-family',
      'exit',
    ].join('\n');
    const parsed = parseGatewayBgp(config);
    expect(parsed.networks).toEqual(['10.254.0.21/32', '198.51.100.7/32']);
    expect(parsed.toVpc).toEqual(['172.16.0.0']);
    expect([...parsed.fromGateway]).toEqual([['blue', '172.16.0.1']]);
  });

  it('counts a floating IP only when both halves of its 1:1 NAT agree, and the SNAT rule apart', () => {
    const rule = (fields: Partial<NatRule>): NatRule => ({
      chain: 'postrouting',
      handle: 1,
      comment: '',
      ...fields,
    });
    const inbound = rule({
      chain: 'prerouting',
      comment: 'loom dnat',
      iif: 'tv50001',
      destination: '198.51.100.7',
      dnat: '10.0.1.5',
    });
    const outbound = rule({
      comment: 'loom dnat',
      oif: 'tv50001',
      source: '10.0.1.5',
      snat: '198.51.100.7',
    });
    const snat = rule({
      comment: 'loom snat',
      oif: 'tv50001',
      notSource: '172.16.0.0',
      snat: '203.0.113.5',
    });
    const rules = [inbound, outbound, snat];
    expect(dnatOf('blue', rules, 'tv50001')).toEqual([
      { vrf: 'blue', publicAddress: '198.51.100.7', privateAddress: '10.0.1.5' },
    ]);
    expect(dnatOf('blue', [inbound, snat], 'tv50001')).toEqual([]);
    expect(dnatOf('blue', [inbound, { ...outbound, source: '10.0.1.6' }], 'tv50001')).toEqual([]);
    expect(snatOf('blue', rules, 'tv50001')).toEqual([
      { vrf: 'blue', publicAddress: '203.0.113.5' },
    ]);
    expect(snatOf('blue', rules, 'tv50002')).toEqual([]);
  });
});
