import { kernelVrfs, namespaceVrfs, type IpRunner } from './tenant-vrfs';

/** An `ip` that records its arguments and answers `ip netns list` / `ip -j link show type vrf`. */
function recordingIp(answers: Record<string, string> = {}): { run: IpRunner; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    run: (args) => {
      const line = args.join(' ');
      calls.push(line);
      return Promise.resolve(answers[line] ?? '');
    },
  };
}

describe('tenant VRFs as network namespaces', () => {
  it('makes the namespace with its loopback up and forwarding on, and removes it whole', async () => {
    const ip = recordingIp();
    const vrfs = namespaceVrfs(ip.run);
    await vrfs.create('vrf50042', 50042);
    await vrfs.remove('vrf50042');
    expect(ip.calls).toEqual([
      'netns add vrf50042',
      '-n vrf50042 link set lo up',
      'netns exec vrf50042 sysctl -q -w net.ipv4.ip_forward=1',
      'netns delete vrf50042',
    ]);
  });

  it("runs the overlay's commands in the VRF's namespace and moves devices made in the leaf's", async () => {
    const ip = recordingIp();
    const vrfs = namespaceVrfs(ip.run);
    await vrfs.ip('vrf1', 'link', 'add', 'br100', 'type', 'bridge');
    await vrfs.leafIp('link', 'add', 'vx100', 'type', 'vxlan');
    await vrfs.adopt('vrf1', 'vx100');
    await vrfs.attachBridge('vrf1', 'br100');
    expect(ip.calls).toEqual([
      '-n vrf1 link add br100 type bridge',
      'link add vx100 type vxlan',
      'link set vx100 netns vrf1',
    ]);
  });

  it('lists the namespaces by name', async () => {
    const ip = recordingIp({ 'netns list': 'vrf2 (id: 1)\nvrf1\n' });
    expect(await namespaceVrfs(ip.run).list()).toEqual(['vrf2', 'vrf1']);
  });
});

describe('tenant VRFs as Linux VRF devices', () => {
  it('makes a VRF device with its table, enslaves bridges to it and keeps devices in place', async () => {
    const ip = recordingIp({ '-j link show type vrf': '[{"ifname":"vrf7"}]' });
    const vrfs = kernelVrfs(ip.run);
    await vrfs.create('vrf7', 7);
    await vrfs.ip('vrf7', 'link', 'add', 'br100', 'type', 'bridge');
    await vrfs.adopt('vrf7', 'vx100');
    await vrfs.attachBridge('vrf7', 'br100');
    expect(await vrfs.list()).toEqual(['vrf7']);
    await vrfs.remove('vrf7');
    expect(ip.calls).toEqual([
      'link add vrf7 type vrf table 7',
      'link set vrf7 up',
      'link add br100 type bridge',
      'link set br100 master vrf7',
      '-j link show type vrf',
      'link delete vrf7',
    ]);
  });
});
