import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  fabricLabDown,
  labHostNamespace,
  labPrerequisites,
  readLabManifest,
  vtysh,
  vtyshJson,
  type LabDevice,
  type LabManifest,
} from '@loom/fabric';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import { boundPortBody, createAcmeSubnet, finished } from '../../../test/support/network-fixtures';

const exec = promisify(execFile);

/** What this machine lacks to run an FRR lab: root, frr's daemons, ping. */
const missing = [
  ...labPrerequisites(),
  ...(existsSync('/usr/bin/ping') || existsSync('/bin/ping') ? [] : ['ping (iputils-ping)']),
];
const required = process.env['LOOM_REQUIRE_FRR'] === '1';
if (missing.length > 0 && !required) {
  console.warn(
    `SKIPPED frr-fabric e2e: ${missing.join('; ')} (set LOOM_REQUIRE_FRR=1 to fail instead)`,
  );
}
const suite = missing.length > 0 && !required ? describe.skip : describe;

const topology = {
  devices: [
    { name: 'spine1', role: 'spine', loopback: '10.254.0.101', asn: 65100, interfaces: ['swp1'] },
    { name: 'leaf1', role: 'leaf', loopback: '10.254.0.1', asn: 65101, interfaces: ['swp[1-4]'] },
    { name: 'leaf2', role: 'leaf', loopback: '10.254.0.2', asn: 65102, interfaces: ['swp[1-4]'] },
  ],
};
const SUBNET = 'tenants/acme/vpcs/f/subnets/a';

async function namespaces(prefix: string): Promise<string[]> {
  const { stdout } = await exec('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(prefix));
}

/** FRR daemons alive (zombies waiting for init to reap them excluded) started for `labDir`. */
async function liveDaemons(labDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
      if (cmdline.includes(labDir) && /\/(zebra|bgpd) /.test(cmdline)) found.push(cmdline);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function eventually<T>(seconds: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

type EvpnRoutes = Record<string, Record<string, unknown> | number | string>;

/** The EVPN route types (2, 3, ...) in a leaf's BGP table, with their prefixes. */
async function evpnRoutes(device: LabDevice): Promise<string[]> {
  const table = await vtyshJson<EvpnRoutes>(device, 'show bgp l2vpn evpn route json');
  return Object.values(table).flatMap((entry) =>
    typeof entry === 'object' ? Object.keys(entry).filter((key) => key.startsWith('[')) : [],
  );
}

/** FRR on a real lab of two leaves in network namespaces, driven through the gRPC API. */
suite('the FRR lab fabric (LOOM_FABRIC=frr-lab)', () => {
  let engine: TestEngine | undefined;
  let portal: LoomClients;
  let workDir: string;
  let labDir: string;
  let manifest: LabManifest;
  const device = (name: string): LabDevice => {
    const found = manifest.devices.find((entry) => entry.name === name);
    if (!found) throw new Error(`no ${name} in the lab`);
    return found;
  };

  beforeAll(async () => {
    if (missing.length > 0) {
      throw new Error(
        `LOOM_REQUIRE_FRR=1 but this machine cannot run the lab: ${missing.join('; ')}`,
      );
    }
    // The frr user must reach the lab directory: a world-searchable one of its own.
    workDir = await mkdtemp(join(tmpdir(), 'loom-frr-e2e-'));
    await chmod(workDir, 0o755);
    labDir = join(workDir, 'lab');
    await writeFile(join(workDir, 'topology.json'), JSON.stringify(topology));
    engine = await startTestEngine({
      LOOM_FABRIC: 'frr-lab',
      LOOM_FABRIC_LAB_DIR: labDir,
      LOOM_FABRIC_TOPOLOGY: join(workDir, 'topology.json'),
    });
    const built = readLabManifest(labDir);
    if (!built) throw new Error('the engine did not build the lab');
    manifest = built;
    portal = await engine.clientsAs('portal');
    await createAcmeSubnet(portal, { vpcs: 2, subnets: 2, ports: 10 });
  });
  afterAll(async () => {
    await engine?.stop();
    if (labDir) await fabricLabDown(labDir);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const ports: { name: string; leaf: string; ip: string; vlan: number }[] = [];

  it('binds two ports of one subnet on two leaves, and they ping each other over VXLAN', async () => {
    for (const [index, leaf] of ['leaf1', 'leaf2'].entries()) {
      const operation = await finished(
        portal,
        await portal.ports.createPort({
          parent: SUBNET,
          portId: `p${index + 1}`,
          port: boundPortBody(leaf, 'swp1'),
          requestId: '',
        }),
      );
      expect(operation.error).toBeNull();
      const port = await portal.ports.getPort({ name: `${SUBNET}/ports/p${index + 1}` });
      expect(port.status).toBe('ACTIVE');
      ports.push({ name: port.name, leaf, ip: port.fixedIp, vlan: port.binding?.vlan ?? 0 });
    }
    // The VM behind each port: its NIC for the port's VLAN, with the port's address.
    for (const port of ports) {
      const host = labHostNamespace(manifest, port.leaf, 'swp1');
      await exec('ip', ['-n', host, 'addr', 'add', `${port.ip}/24`, 'dev', `v${port.vlan}`]);
    }
    const [first, second] = ports;
    if (!first || !second) throw new Error('two ports expected');
    const from = labHostNamespace(manifest, first.leaf, 'swp1');
    // Bounded: each ping waits 1 s at most; EVPN needs a moment to carry the MACs across.
    await eventually(15, async () => {
      await exec('ip', ['netns', 'exec', from, 'ping', '-c', '1', '-W', '1', second.ip]);
      return true;
    });
    const { stdout } = await exec('ip', [
      'netns',
      'exec',
      from,
      'ping',
      '-c',
      '3',
      '-W',
      '1',
      second.ip,
    ]);
    expect(stdout).toMatch(/3 received/);
    // The anycast gateway answers on each VM's own leaf (which so learns the VM's MAC/IP).
    for (const port of ports) {
      const host = labHostNamespace(manifest, port.leaf, 'swp1');
      await exec('ip', ['netns', 'exec', host, 'ping', '-c', '1', '-W', '1', '10.0.1.1']);
    }
  });

  it("has the hosts' type-2 and both leaves' type-3 routes in FRR's EVPN table", async () => {
    const leaf1 = device('leaf1');
    const routes = await eventually(10, async () => {
      const found = await evpnRoutes(leaf1);
      const type3 = found.filter((route) => route.startsWith('[3]'));
      const type2 = found.filter((route) => route.startsWith('[2]'));
      return type3.some((route) => route.includes('10.254.0.2')) &&
        type3.some((route) => route.includes('10.254.0.1')) &&
        ports.every((port) => type2.some((route) => route.includes(`[${port.ip}]`)))
        ? found
        : undefined;
    });
    expect(routes.some((route) => route.startsWith('[2]'))).toBe(true);
    const vrfs = await vtyshJson<{ vrfs: { vrf: string; vni: number }[] }>(
      leaf1,
      'show vrf vni json',
    );
    const vpc = await portal.vpcs.getVpc({ name: 'tenants/acme/vpcs/f' });
    expect(vrfs.vrfs).toEqual([expect.objectContaining({ vrf: vpc.vrfName, vni: vpc.l3Vni })]);
  });

  it('removes every trace when the ports, the subnet and the VPC are deleted', async () => {
    for (const port of ports) {
      const deletion = await finished(
        portal,
        await portal.ports.deletePort({ name: port.name, etag: '', requestId: '' }),
      );
      expect(deletion.error).toBeNull();
    }
    await finished(
      portal,
      await portal.subnets.deleteSubnet({ name: SUBNET, etag: '', requestId: '' }),
    );
    await finished(
      portal,
      await portal.vpcs.deleteVpc({ name: 'tenants/acme/vpcs/f', etag: '', requestId: '' }),
    );
    for (const leaf of manifest.devices) {
      const { stdout } = await exec('ip', ['-n', leaf.namespace, '-j', 'link', 'show']);
      const links = (JSON.parse(stdout) as { ifname: string }[]).map((link) => link.ifname);
      expect(links.sort()).toEqual(['lo', 'uplink']);
      expect(await vtyshJson(leaf, 'show vrf vni json')).toEqual({ vrfs: [] });
      expect(await vtysh(leaf, 'show running-config')).not.toMatch(/^(vrf |router bgp \d+ vrf )/m);
    }
    // Only the underlay and the leaves are left: no VM namespace.
    expect((await namespaces(manifest.prefix)).sort()).toEqual(
      [manifest.underlayNamespace, ...manifest.devices.map((leaf) => leaf.namespace)].sort(),
    );
  });

  it('tears the lab down leaving no namespace, daemon or file behind', async () => {
    await engine?.stop();
    engine = undefined;
    await fabricLabDown(labDir);
    expect(await namespaces(manifest.prefix)).toEqual([]);
    expect(await liveDaemons(labDir)).toEqual([]);
    expect(existsSync(labDir)).toBe(false);
  });
});
