import { readShapers, redirectsIngress, writeShapers, type TcRunner } from './shaping-tc';

/** What `tc -j` printed in a lab namespace (iproute2 6.1) for a veth with two shaped addresses. */
const qdiscs = [
  { kind: 'htb', handle: '1:', dev: 'swp1v2', root: true, options: { r2q: 10, default: '0' } },
  {
    kind: 'tbf',
    handle: '100:',
    dev: 'swp1v2',
    parent: '1:1',
    options: { rate: 1_250_000, burst: 15_000, lat: 200_000 },
  },
  {
    kind: 'tbf',
    handle: '101:',
    dev: 'swp1v2',
    parent: '1:2',
    options: { rate: 12_500_000, burst: 149_999, lat: 200_000 },
  },
  { kind: 'ingress', handle: 'ffff:', dev: 'swp1v2', parent: 'ffff:fff1', options: {} },
];
const filters = [
  { parent: '1:', protocol: 'ip', pref: 1, kind: 'u32', chain: 0 },
  { parent: '1:', protocol: 'ip', pref: 1, kind: 'u32', chain: 0, options: { fh: '800:' } },
  {
    parent: '1:',
    protocol: 'ip',
    kind: 'u32',
    options: {
      fh: '800::800',
      flowid: '1:1',
      match: { value: 'a000102', mask: 'ffffffff', offmask: '', off: 16 },
    },
  },
  {
    parent: '1:',
    protocol: 'ip',
    kind: 'u32',
    options: {
      fh: '800::801',
      flowid: '1:2',
      match: { value: 'a000103', mask: 'ffffffff', offmask: '', off: 16 },
    },
  },
];
const redirect = [
  {
    protocol: 'all',
    kind: 'u32',
    options: {
      fh: '800::800',
      match: { value: '0', mask: '0', offmask: '', off: 0 },
      actions: [{ kind: 'mirred', mirred_action: 'redirect', to_dev: 'qswp1v2' }],
    },
  },
];

function fakeTc(answers: Record<string, unknown>): { tc: TcRunner; calls: string[] } {
  const calls: string[] = [];
  const tc: TcRunner = (...args) => {
    const line = args.join(' ');
    calls.push(line);
    return Promise.resolve(line in answers ? JSON.stringify(answers[line]) : '');
  };
  return { tc, calls };
}

describe('tc shapers', () => {
  it('reads an interface back: each u32 address filter with the TBF of its class', async () => {
    const { tc } = fakeTc({ '-j filter show dev swp1v2 parent 1:': filters });
    expect(await readShapers(tc, 'swp1v2', 'dst', qdiscs)).toEqual([
      { address: '10.0.1.2', limit: { rateKbps: 10_000, burstBytes: 15_000 } },
      { address: '10.0.1.3', limit: { rateKbps: 100_000, burstBytes: 149_999 } },
    ]);
    // The filters match destinations (offset 16): read for sources, nothing is shaped.
    expect(await readShapers(tc, 'swp1v2', 'src', qdiscs)).toEqual([]);
  });

  it('reads nothing without a root HTB, and a class without its TBF as unshaped', async () => {
    const { tc } = fakeTc({ '-j filter show dev swp1v2 parent 1:': filters });
    expect(await readShapers(tc, 'swp1v2', 'dst', qdiscs.slice(1))).toEqual([]);
    const withoutFirstTbf = qdiscs.filter((qdisc) => qdisc.handle !== '100:');
    expect(await readShapers(tc, 'swp1v2', 'dst', withoutFirstTbf)).toEqual([
      { address: '10.0.1.3', limit: { rateKbps: 100_000, burstBytes: 149_999 } },
    ]);
  });

  it('sees the ingress redirect to the ifb only with the ingress qdisc and the mirred filter', async () => {
    const { tc } = fakeTc({ '-j filter show dev swp1v2 parent ffff:': redirect });
    expect(await redirectsIngress(tc, 'swp1v2', qdiscs)).toBe(true);
    expect(await redirectsIngress(tc, 'swp1v2', qdiscs.slice(0, 3))).toBe(false);
    const { tc: none } = fakeTc({ '-j filter show dev swp1v2 parent ffff:': [] });
    expect(await redirectsIngress(none, 'swp1v2', qdiscs)).toBe(false);
  });

  it('writes an interface afresh: the root HTB, then a class, a TBF and a filter per address', async () => {
    const { tc, calls } = fakeTc({});
    await writeShapers(tc, 'tg50000', 'dst', [
      { address: '198.51.100.1', limit: { rateKbps: 10_000, burstBytes: 15_000 } },
    ]);
    expect(calls).toEqual([
      'qdisc del dev tg50000 root',
      'qdisc add dev tg50000 root handle 1: htb default 0',
      'class add dev tg50000 parent 1: classid 1:1 htb rate 100gbit',
      'qdisc add dev tg50000 parent 1:1 handle 100: tbf rate 10000kbit burst 15000 latency 200ms',
      'filter add dev tg50000 parent 1: protocol ip prio 1 u32 match ip dst 198.51.100.1/32 flowid 1:1',
    ]);
  });
});
