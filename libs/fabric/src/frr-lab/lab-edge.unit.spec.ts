import { defaultTopology } from '../topology/default-topology';
import { renderBfdConfig, renderFrrConfig } from './frr-config';
import { planLab } from './lab-layout';

describe('the lab edge: gateway nodes, the upstream router and the external host', () => {
  const manifest = planLab(defaultTopology, '/tmp/loom-edge-plan');
  const node = (name: string) => {
    const found = manifest.devices.find((device) => device.name === name);
    if (!found) throw new Error(`no ${name}`);
    return found;
  };

  it('links every gateway node to the upstream on a /31 of 198.51.100.240/28, the first one active', () => {
    expect(
      manifest.upstream?.links.map((link) => [link.name, link.address, link.peerName]),
    ).toEqual([
      ['gw1', '198.51.100.240/31', 'gw1'],
      ['gw2', '198.51.100.242/31', 'gw2'],
    ]);
    expect(node('gw1').gateway).toMatchObject({
      uplink: { address: '198.51.100.241/31', peerAddress: '198.51.100.240', peerAsn: 64500 },
      standby: false,
    });
    expect(node('gw2').gateway?.standby).toBe(true);
    expect(node('leaf1').gateway).toBeUndefined();
    expect(manifest.externalHost).toMatchObject({ address: '203.0.113.230/28' });
  });

  it('uses public addresses of the documentation ranges only, never 192.0.2.0/24', () => {
    const text = JSON.stringify(manifest);
    expect(text).not.toMatch(/192\.0\.2\./);
    const publicAddresses = text.match(/\b(198|203)\.\d+\.\d+\.\d+/g) ?? [];
    expect(publicAddresses.length).toBeGreaterThan(0);
    for (const address of publicAddresses) expect(address).toMatch(/^(198\.51\.100|203\.0\.113)\./);
  });

  it('runs bfdd with BFD on the sessions of gateway nodes only, 60 ms x 3', () => {
    expect(node('gw1').daemons).toEqual(['zebra', 'bfdd', 'bgpd']);
    expect(node('leaf1').daemons).toEqual(['zebra', 'bgpd']);
    expect(manifest.spines[0]?.daemons).toEqual(['zebra', 'bfdd', 'bgpd']);
    const spine = renderFrrConfig(manifest.spines[0] ?? node('gw1'));
    expect(spine).toContain(' neighbor 10.255.1.13 bfd profile loom-fast');
    expect(spine).not.toContain(' neighbor 10.255.1.1 bfd');
    expect(renderBfdConfig(node('gw1'))).toContain('  receive-interval 60');
  });

  it('has the standby node prepend upstream and towards the VPCs, never its own AS into its VRFs', () => {
    const active = renderFrrConfig(node('gw1'));
    const standby = renderFrrConfig(node('gw2'));
    expect(active).not.toContain('prepend');
    expect(standby).toContain(
      'route-map LOOM-TO-UPSTREAM permit 10\n match as-path LOOM-LOCAL\n set as-path prepend 65302 65302',
    );
    expect(standby).toContain(
      'route-map LOOM-TO-VPC permit 10\n match ip address prefix-list LOOM-DEFAULT\n set as-path prepend last-as 1',
    );
    expect(renderFrrConfig(manifest.upstream ?? node('gw1'))).toContain(
      '  neighbor 198.51.100.241 default-originate',
    );
  });

  it('builds no edge for a topology without gateway nodes', () => {
    const plain = planLab(
      { devices: defaultTopology.devices.filter((device) => device.role !== 'gateway') },
      '/tmp/loom-edge-plain',
    );
    expect(plain.upstream).toBeUndefined();
    expect(plain.spines[0]?.daemons).toEqual(['zebra', 'bgpd']);
  });
});
