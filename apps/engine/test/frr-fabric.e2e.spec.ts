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
import type { Operation } from '@loom/api-contract';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import {
  boundPortBody,
  createSubnet,
  createTenantSubnet,
  createVpcSubnet,
  finished,
} from '../../../test/support/network-fixtures';

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
    { name: 'spine2', role: 'spine', loopback: '10.254.0.102', asn: 65100, interfaces: ['swp1'] },
    { name: 'leaf1', role: 'leaf', loopback: '10.254.0.1', asn: 65101, interfaces: ['swp[1-4]'] },
    { name: 'leaf2', role: 'leaf', loopback: '10.254.0.2', asn: 65102, interfaces: ['swp[1-4]'] },
  ],
};

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

/** A port bound through the API, and the VM (host namespace) behind its leaf interface. */
interface LabPort {
  readonly name: string;
  readonly leaf: string;
  readonly iface: string;
  readonly ip: string;
  readonly vlan: number;
  readonly host: string;
}

interface IpLink {
  readonly ifname: string;
  readonly master?: string;
  readonly linkinfo?: { readonly info_kind?: string };
}

/** Runs `ip` inside the leaf's FRR mount namespace, where its VRF namespaces are. */
async function inLeafDaemons(leaf: LabDevice, ...args: string[]): Promise<string> {
  const zebra = (await readFile(join(leaf.frrDir, 'zebra.pid'), 'utf8')).trim();
  // The leaf's network namespace by name, not zebra's current one: zebra's main thread steps into
  // a VRF's namespace now and then (see tenant-vrfs.ts in libs/fabric).
  const { stdout } = await exec('nsenter', [
    '--target',
    zebra,
    '--mount',
    `--net=/run/netns/${leaf.namespace}`,
    '--',
    'ip',
    ...args,
  ]);
  return stdout;
}

function linkSummary(json: string): string[] {
  const links = JSON.parse(json || '[]') as IpLink[];
  return links
    .map((link) => `${link.ifname}:${link.linkinfo?.info_kind ?? ''}:${link.master ?? ''}`)
    .sort();
}

/** A leaf's VRF namespaces (in its daemons' mount namespace). */
async function vrfNamespaces(leaf: LabDevice): Promise<string[]> {
  return (await inLeafDaemons(leaf, 'netns', 'list'))
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name !== '')
    .sort();
}

/** Everything of a leaf in FRR and the kernel that tenant configuration could touch. */
async function leafSnapshot(leaf: LabDevice): Promise<Record<string, unknown>> {
  const { stdout: links } = await exec('ip', ['-n', leaf.namespace, '-j', '-d', 'link', 'show']);
  const vrfs: Record<string, string[]> = {};
  for (const vrf of await vrfNamespaces(leaf)) {
    vrfs[vrf] = linkSummary(await inLeafDaemons(leaf, '-n', vrf, '-j', '-d', 'link', 'show'));
  }
  return {
    links: linkSummary(links),
    vrfs,
    config: await vtysh(leaf, 'show running-config'),
    vnis: Object.keys(await vtyshJson<Record<string, unknown>>(leaf, 'show evpn vni json')).sort(),
  };
}

async function ping(from: LabPort, to: string, count = 1): Promise<string> {
  const { stdout } = await exec('ip', [
    'netns',
    'exec',
    from.host,
    'ping',
    '-c',
    String(count),
    '-W',
    '1',
    to,
  ]);
  return stdout;
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
  const ports = new Map<string, LabPort>();
  const port = (name: string): LabPort => {
    const found = ports.get(name);
    if (!found) throw new Error(`no port ${name}`);
    return found;
  };

  /** Creates a port bound to `leaf`/`iface`, waits for its fabric work, and sets up its VM. */
  async function bindPort(
    subnet: string,
    portId: string,
    leaf: string,
    iface: string,
  ): Promise<LabPort> {
    const operation = await finished(
      portal,
      await portal.ports.createPort({
        parent: subnet,
        portId,
        port: boundPortBody(leaf, iface),
        requestId: '',
      }),
    );
    expect(operation.error).toBeNull();
    const created = await portal.ports.getPort({ name: `${subnet}/ports/${portId}` });
    expect(created.status).toBe('ACTIVE');
    const { gatewayIp, cidr } = await portal.subnets.getSubnet({ name: subnet });
    const vlan = created.binding?.vlan ?? 0;
    const host = labHostNamespace(manifest, leaf, iface);
    const nic = `v${vlan}`;
    await exec('ip', [
      '-n',
      host,
      'addr',
      'add',
      `${created.fixedIp}/${cidr.split('/')[1] ?? ''}`,
      'dev',
      nic,
    ]);
    await exec('ip', ['-n', host, 'route', 'add', 'default', 'via', gatewayIp, 'dev', nic]);
    const bound = { name: created.name, leaf, iface, ip: created.fixedIp, vlan, host };
    ports.set(portId, bound);
    return bound;
  }

  /** Pings until it answers (EVPN needs a moment to carry MACs and routes across), bounded. */
  async function reaches(from: LabPort, to: string): Promise<void> {
    await eventually(20, async () => {
      await ping(from, to);
      return true;
    });
    expect(await ping(from, to, 3)).toMatch(/3 received/);
  }

  async function setNic(target: LabPort, state: 'up' | 'down'): Promise<void> {
    await exec('ip', ['-n', target.host, 'link', 'set', `v${target.vlan}`, state]);
  }

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
    await createTenantSubnet(portal, { vpcs: 2, subnets: 3, ports: 10 }, 'acme');
    await createSubnet(portal, 'tenants/acme/vpcs/f', 'b', '10.0.2.0/24');
    // Tenant beta uses the very same CIDRs as acme.
    await createTenantSubnet(portal, { vpcs: 1, subnets: 1, ports: 10 }, 'beta');
  });
  afterAll(async () => {
    await engine?.stop();
    if (labDir) await fabricLabDown(labDir);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('binds two ports of one subnet on two leaves, and they ping each other over VXLAN', async () => {
    const p1 = await bindPort('tenants/acme/vpcs/f/subnets/a', 'p1', 'leaf1', 'swp1');
    const p2 = await bindPort('tenants/acme/vpcs/f/subnets/a', 'p2', 'leaf2', 'swp1');
    await reaches(p1, p2.ip);
    // The anycast gateway answers on each VM's own leaf (which so learns the VM's MAC/IP).
    for (const vm of [p1, p2]) await ping(vm, '10.0.1.1');
  });

  it("has the hosts' type-2 and both leaves' type-3 routes in FRR's EVPN table", async () => {
    const leaf1 = device('leaf1');
    const routes = await eventually(10, async () => {
      const found = await evpnRoutes(leaf1);
      const type3 = found.filter((route) => route.startsWith('[3]'));
      const type2 = found.filter((route) => route.startsWith('[2]'));
      return type3.some((route) => route.includes('10.254.0.2')) &&
        type3.some((route) => route.includes('10.254.0.1')) &&
        [port('p1'), port('p2')].every((vm) => type2.some((route) => route.includes(`[${vm.ip}]`)))
        ? found
        : undefined;
    });
    expect(routes.some((route) => route.startsWith('[2]'))).toBe(true);
    const vrfs = await vtyshJson<{ vrfs: { vrf: string; vni: number; state: string }[] }>(
      leaf1,
      'show vrf vni json',
    );
    const vpc = await portal.vpcs.getVpc({ name: 'tenants/acme/vpcs/f' });
    expect(vrfs.vrfs).toEqual([
      expect.objectContaining({ vrf: vpc.vrfName, vni: vpc.l3Vni, state: 'Up' }),
    ]);
    // The VRF is a namespace of the leaf, with the L3 VNI's and the subnet's bridges in it.
    expect(await vrfNamespaces(leaf1)).toEqual([vpc.vrfName]);
  });

  it('routes between two subnets of one VPC through the anycast gateway and the L3 VNI', async () => {
    const p1 = port('p1');
    const p3 = await bindPort('tenants/acme/vpcs/f/subnets/b', 'p3', 'leaf2', 'swp2');
    await reaches(p1, p3.ip);
    await reaches(p3, p1.ip);
    // Symmetric IRB: leaf1 holds p3's host route in the VPC's VRF, learned over EVPN.
    const vpc = await portal.vpcs.getVpc({ name: 'tenants/acme/vpcs/f' });
    const table = await vtyshJson<Record<string, { protocol: string }[]>>(
      device('leaf1'),
      `show ip route vrf ${vpc.vrfName} json`,
    );
    expect(table[`${p3.ip}/32`]?.[0]?.protocol).toBe('bgp');
  });

  it('keeps two tenants with the very same CIDRs working and apart', async () => {
    const q1 = await bindPort('tenants/beta/vpcs/f/subnets/a', 'q1', 'leaf1', 'swp3');
    const q2 = await bindPort('tenants/beta/vpcs/f/subnets/a', 'q2', 'leaf2', 'swp3');
    const [p1, p2, p3] = [port('p1'), port('p2'), port('p3')];
    // Same addresses in both tenants.
    expect([q1.ip, q2.ip]).toEqual([p1.ip, p2.ip]);
    await reaches(q1, q2.ip);
    // With acme's VM of that address unplugged, beta's still answers...
    await setNic(p2, 'down');
    await reaches(q1, q2.ip);
    await setNic(p2, 'up');
    // ...and with beta's unplugged, nothing answers beta, while acme's VM answers acme.
    await setNic(q2, 'down');
    await expect(ping(q1, q2.ip, 2)).rejects.toThrow();
    await reaches(p1, p2.ip);
    await setNic(q2, 'up');
    await reaches(q1, q2.ip);
    // acme's second subnet does not exist for beta.
    await expect(ping(q1, p3.ip, 2)).rejects.toThrow();
  });

  it('leaves FRR and the kernel as they were when a device operation fails mid-saga', async () => {
    await createVpcSubnet(portal, 'tenants/acme', 'g', '10.1.0.0/16', 'c', '10.1.1.0/24');
    const subnet = await portal.subnets.getSubnet({ name: 'tenants/acme/vpcs/g/subnets/c' });
    const leaf1 = device('leaf1');
    // Something else holds the name of the subnet's VXLAN device on leaf1: the bind step (after
    // the new VRF and its BGP EVPN were made) fails there.
    await exec('ip', ['-n', leaf1.namespace, 'link', 'add', `vx${subnet.l2Vni}`, 'type', 'bridge']);
    try {
      const before = await Promise.all(manifest.devices.map(leafSnapshot));
      const hostsBefore = (await namespaces(manifest.prefix)).sort();
      const operation = await finished(
        portal,
        await portal.ports.createPort({
          parent: subnet.name,
          portId: 'r1',
          port: boundPortBody('leaf1', 'swp4'),
          requestId: '',
        }),
        90,
      );
      expect(operation.error?.message).toMatch(/bind-port failed and was undone/);
      const failed = await portal.ports.getPort({ name: `${subnet.name}/ports/r1` });
      expect(failed.status).toBe('ERROR');
      expect(await Promise.all(manifest.devices.map(leafSnapshot))).toEqual(before);
      expect((await namespaces(manifest.prefix)).sort()).toEqual(hostsBefore);
    } finally {
      await exec('ip', ['-n', leaf1.namespace, 'link', 'delete', `vx${subnet.l2Vni}`]);
    }
  });

  it('removes every trace when the ports, the subnets and the VPCs are deleted', async () => {
    const done = async (operation: Promise<Operation>) => {
      expect((await finished(portal, await operation)).error).toBeNull();
    };
    for (const vm of ports.values()) {
      await done(portal.ports.deletePort({ name: vm.name, etag: '', requestId: '' }));
    }
    await done(
      portal.ports.deletePort({
        name: 'tenants/acme/vpcs/g/subnets/c/ports/r1',
        etag: '',
        requestId: '',
      }),
    );
    for (const subnet of [
      'acme/vpcs/f/subnets/a',
      'acme/vpcs/f/subnets/b',
      'acme/vpcs/g/subnets/c',
      'beta/vpcs/f/subnets/a',
    ]) {
      await done(
        portal.subnets.deleteSubnet({ name: `tenants/${subnet}`, etag: '', requestId: '' }),
      );
    }
    for (const vpc of ['acme/vpcs/f', 'acme/vpcs/g', 'beta/vpcs/f']) {
      await done(portal.vpcs.deleteVpc({ name: `tenants/${vpc}`, etag: '', requestId: '' }));
    }
    for (const leaf of manifest.devices) {
      const { stdout } = await exec('ip', ['-n', leaf.namespace, '-j', 'link', 'show']);
      const links = (JSON.parse(stdout) as { ifname: string }[]).map((link) => link.ifname);
      expect(links.sort()).toEqual(['lo', ...leaf.links.map((link) => link.name)].sort());
      expect(await vrfNamespaces(leaf)).toEqual([]);
      expect(await vtyshJson(leaf, 'show vrf vni json')).toEqual({ vrfs: [] });
      expect(await vtysh(leaf, 'show running-config')).not.toMatch(/^(vrf |router bgp \d+ vrf )/m);
    }
    // Only the spines and the leaves are left: no VM namespace.
    expect((await namespaces(manifest.prefix)).sort()).toEqual(
      [...manifest.spines, ...manifest.devices].map((router) => router.namespace).sort(),
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
