import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  fabricLabDown,
  labHostNamespace,
  gatewayLabPrerequisites,
  readLabManifest,
  type LabDevice,
  type LabManifest,
} from '@loom/fabric';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import { externalClientsAs, type ExternalClients } from '../../../test/support/external-clients';
import type { LoomClients } from '../../../test/support/grpc-client';
import {
  boundPortBody,
  createSubnet,
  createTenantSubnet,
  finished,
} from '../../../test/support/network-fixtures';

const exec = promisify(execFile);

/** What this machine lacks to run an FRR lab with a border leaf: root, frr, nftables, ping. */
const missing = [
  ...gatewayLabPrerequisites(),
  ...(existsSync('/usr/bin/ping') || existsSync('/bin/ping') ? [] : ['ping (iputils-ping)']),
];
const required = process.env['LOOM_REQUIRE_FRR'] === '1';
if (missing.length > 0 && !required) {
  console.warn(
    `SKIPPED tenant-edges-frr e2e: ${missing.join('; ')} (set LOOM_REQUIRE_FRR=1 to fail instead)`,
  );
}
const suite = missing.length > 0 && !required ? describe.skip : describe;

const topology = {
  devices: [
    { name: 'spine1', role: 'spine', loopback: '10.254.0.101', asn: 65100, interfaces: ['swp1'] },
    { name: 'leaf1', role: 'leaf', loopback: '10.254.0.1', asn: 65101, interfaces: ['swp[1-4]'] },
    { name: 'leaf2', role: 'leaf', loopback: '10.254.0.2', asn: 65102, interfaces: ['swp[1-4]'] },
    {
      name: 'border1',
      role: 'border-leaf',
      loopback: '10.254.0.11',
      asn: 65201,
      interfaces: ['swp1'],
    },
  ],
};

const ACME_A = 'tenants/acme/vpcs/f/subnets/a';
const ACME_B = 'tenants/acme/vpcs/f/subnets/b';
const BETA_A = 'tenants/beta/vpcs/f/subnets/a';

/** A port bound through the API, and the host namespace (VM or server) behind its interface. */
interface LabPort {
  readonly name: string;
  readonly ip: string;
  readonly host: string;
  /** Its NIC in the host: `v{vlan}` for a VM, `eth0` (untagged) for a bare-metal server. */
  readonly nic: string;
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

/** Runs `ip` inside the leaf's FRR mount namespace, where its VRF namespaces are. */
async function inLeafDaemons(leaf: LabDevice, ...args: string[]): Promise<string> {
  const zebra = (await readFile(join(leaf.frrDir, 'zebra.pid'), 'utf8')).trim();
  const { stdout } = await exec('nsenter', [
    '--target',
    zebra,
    '--mount',
    '--net',
    '--',
    'ip',
    ...args,
  ]);
  return stdout;
}

async function ping(from: LabPort, to: string, count = 1): Promise<string> {
  const args = ['netns', 'exec', from.host, 'ping', '-c', String(count), '-W', '1', to];
  return (await exec('ip', args)).stdout;
}

/**
 * A TCP server in `namespace` on `address`:`port` that answers every connection with the source
 * address it sees and records it; it ends by itself after five minutes at the latest.
 */
function tcpEchoSource(namespace: string, address: string, port: number): ChildProcess {
  const script = `require('net').createServer((c) => c.end(c.remoteAddress.replace('::ffff:', '') + '\\n')).listen(${port}, '${address}')`;
  return spawn(
    'ip',
    ['netns', 'exec', namespace, 'timeout', '300', process.execPath, '-e', script],
    {
      stdio: 'ignore',
    },
  );
}

/** Opens a TCP connection from `namespace` and returns the first line the server sends. */
async function tcpLine(namespace: string, address: string, port: number): Promise<string> {
  const { stdout } = await exec('ip', [
    'netns',
    'exec',
    namespace,
    'timeout',
    '3',
    'bash',
    '-c',
    `exec 3<>/dev/tcp/${address}/${port} && head -1 <&3`,
  ]);
  return stdout.trim();
}

/**
 * Tenant edges in the FRR lab, through the gRPC API (LOOM_FABRIC=frr-lab): a bare-metal server
 * (a namespace cabled straight to a leaf interface, untagged, in a subnet with VMs on another
 * leaf), and service IPs (VMs reaching a management host behind the border leaf).
 */
suite('bare-metal servers and service IPs in the FRR lab', () => {
  let engine: TestEngine | undefined;
  let portal: LoomClients;
  let ops: LoomClients;
  let workDir: string;
  let labDir: string;
  let manifest: LabManifest;
  let api: ExternalClients | undefined;
  const servers: ChildProcess[] = [];
  const ports = new Map<string, LabPort>();
  const port = (id: string): LabPort => {
    const found = ports.get(id);
    if (!found) throw new Error(`no port ${id}`);
    return found;
  };
  const leaf = (name: string): LabDevice => {
    const found = manifest.devices.find((entry) => entry.name === name);
    if (!found) throw new Error(`no ${name} in the lab`);
    return found;
  };

  /** Creates a port (a VM's, or `bareMetal`), waits for its saga, and addresses its host. */
  async function bind(
    subnet: string,
    portId: string,
    leafName: string,
    iface: string,
    bareMetal = false,
  ): Promise<LabPort> {
    const body = boundPortBody(leafName, iface);
    const operation = await finished(
      portal,
      await portal.ports.createPort({
        parent: subnet,
        portId,
        port: bareMetal ? { ...body, kind: 'BARE_METAL' as never } : body,
        requestId: '',
      }),
      60,
    );
    expect(operation.error).toBeNull();
    const created = await portal.ports.getPort({ name: `${subnet}/ports/${portId}` });
    expect(created.status).toBe('ACTIVE');
    const { gatewayIp, cidr } = await portal.subnets.getSubnet({ name: subnet });
    const host = labHostNamespace(manifest, leafName, iface);
    const nic = bareMetal ? 'eth0' : `v${created.binding?.vlan ?? 0}`;
    const length = cidr.split('/')[1] ?? '';
    await exec('ip', ['-n', host, 'addr', 'add', `${created.fixedIp}/${length}`, 'dev', nic]);
    await exec('ip', ['-n', host, 'route', 'add', 'default', 'via', gatewayIp, 'dev', nic]);
    const bound = { name: created.name, ip: created.fixedIp, host, nic };
    ports.set(portId, bound);
    return bound;
  }

  async function reaches(from: LabPort, to: string): Promise<void> {
    await eventually(20, async () => {
      await ping(from, to);
      return true;
    });
    expect(await ping(from, to, 3)).toMatch(/3 received/);
  }

  beforeAll(async () => {
    if (missing.length > 0) {
      throw new Error(
        `LOOM_REQUIRE_FRR=1 but this machine cannot run the lab: ${missing.join('; ')}`,
      );
    }
    workDir = await mkdtemp(join(tmpdir(), 'loom-bm-e2e-'));
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
    ops = await engine.clientsAs('ops');
    api = await externalClientsAs(engine.address, engine.dataDir, 'portal');
    await createTenantSubnet(portal, { vpcs: 1, subnets: 2, ports: 10 }, 'acme');
    await createSubnet(portal, 'tenants/acme/vpcs/f', 'b', '10.0.2.0/24');
    // Tenant beta uses the very same CIDR as acme.
    await createTenantSubnet(portal, { vpcs: 1, subnets: 1, ports: 10 }, 'beta');
  }, 120_000);
  afterAll(async () => {
    for (const server of servers) server.kill();
    api?.close();
    await engine?.stop();
    if (labDir) await fabricLabDown(labDir);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }, 60_000);

  it('pings a VM of its subnet on another leaf, untagged on its own interface', async () => {
    const vm = await bind(ACME_A, 'vm1', 'leaf2', 'swp1');
    const server = await bind(ACME_A, 'bm1', 'leaf1', 'swp3', true);
    await reaches(server, vm.ip);
    await reaches(vm, server.ip);
    // Cabled untagged: the server's NIC is a plain link, no VLAN device, and the leaf end is the
    // interface itself, bridged into the subnet's L2 VNI.
    const { stdout } = await exec('ip', ['-n', server.host, '-j', '-d', 'link', 'show', 'eth0']);
    expect(JSON.stringify(JSON.parse(stdout))).not.toContain('"vlan"');
    const subnet = await portal.subnets.getSubnet({ name: ACME_A });
    const vpc = await portal.vpcs.getVpc({ name: 'tenants/acme/vpcs/f' });
    const leafEnd = JSON.parse(
      await inLeafDaemons(leaf('leaf1'), '-n', vpc.vrfName, '-j', 'link', 'show', 'swp3'),
    ) as { master?: string }[];
    expect(leafEnd[0]?.master).toBe(`br${subnet.l2Vni}`);
  });

  it('pings a VM of another subnet of its VPC through the anycast gateway', async () => {
    const other = await bind(ACME_B, 'vm2', 'leaf2', 'swp2');
    await reaches(port('bm1'), other.ip);
    await reaches(other, port('bm1').ip);
  });

  it('does not reach another tenant, even at the very same address', async () => {
    const twin = await bind(BETA_A, 'twin', 'leaf2', 'swp3');
    expect(twin.ip).toBe(port('vm1').ip);
    const vm1 = port('vm1');
    await exec('ip', ['-n', vm1.host, 'link', 'set', vm1.nic, 'down']);
    try {
      // acme's VM of that address is gone: beta's, up and at the same address, does not answer.
      await expect(ping(port('bm1'), twin.ip, 2)).rejects.toThrow();
      await reaches(twin, '10.0.1.1');
    } finally {
      await exec('ip', ['-n', vm1.host, 'link', 'set', vm1.nic, 'up']);
      // The kernel dropped the VM's default route with its link: put it back.
      await exec('ip', ['-n', vm1.host, 'route', 'replace', 'default', 'via', '10.0.1.1']);
    }
    await reaches(port('bm1'), vm1.ip);
  });

  it("reports an access VLAN changed behind Loom's back and repairs it", async () => {
    const [a, b] = await Promise.all([
      portal.subnets.getSubnet({ name: ACME_A }),
      portal.subnets.getSubnet({ name: ACME_B }),
    ]);
    // Subnet b gets a VLAN on leaf1 too, then the server's interface is moved into it.
    await bind(ACME_B, 'vm3', 'leaf1', 'swp4');
    const vpc = await portal.vpcs.getVpc({ name: 'tenants/acme/vpcs/f' });
    await inLeafDaemons(
      leaf('leaf1'),
      '-n',
      vpc.vrfName,
      'link',
      'set',
      'swp3',
      'master',
      `br${b.l2Vni}`,
    );
    const drift = await ops.fabric.getFabricDrift({});
    expect(drift.items.map(({ device, kind, item }) => ({ device, kind, item }))).toEqual([
      { device: 'leaf1', kind: 'MISSING', item: `l2vni ${a.l2Vni} access interface swp3` },
      { device: 'leaf1', kind: 'UNEXPECTED', item: `l2vni ${b.l2Vni} access interface swp3` },
    ]);
    await expect(ping(port('bm1'), port('vm1').ip, 2)).rejects.toThrow();
    const request = { reason: 'access VLAN moved on leaf1', devices: [] };
    expect((await ops.fabric.repairFabricDrift(request)).sagaIds).toHaveLength(1);
    await eventually(30, async () =>
      (await ops.fabric.getFabricDrift({})).items.length === 0 ? true : undefined,
    );
    // The repair made the access port again: the server's address goes with its old cable.
    const server = port('bm1');
    const length = a.cidr.split('/')[1] ?? '';
    await exec('ip', [
      '-n',
      server.host,
      'addr',
      'replace',
      `${server.ip}/${length}`,
      'dev',
      'eth0',
    ]);
    await exec('ip', ['-n', server.host, 'route', 'replace', 'default', 'via', a.gatewayIp]);
    await reaches(server, port('vm1').ip);
  });

  it('deleting the port leaves the interface unconfigured', async () => {
    const server = port('bm1');
    const operation = await finished(
      portal,
      await portal.ports.deletePort({ name: server.name, etag: '', requestId: '' }),
      60,
    );
    expect(operation.error).toBeNull();
    const vpc = await portal.vpcs.getVpc({ name: 'tenants/acme/vpcs/f' });
    const links = JSON.parse(
      await inLeafDaemons(leaf('leaf1'), '-n', vpc.vrfName, '-j', 'link', 'show'),
    ) as { ifname: string }[];
    expect(links.map((link) => link.ifname)).not.toContain('swp3');
    const { stdout } = await exec('ip', ['netns', 'list']);
    expect(stdout).not.toContain(server.host);
    expect(await ops.fabric.getFabricDrift({})).toEqual({ items: [], unreachableDevices: [] });
  });

  /** Gives `vpc` a service IP to `prefixes` and waits for it: its address on the management side. */
  async function serviceIp(vpc: string, prefixes: string[]): Promise<string> {
    if (!api) throw new Error('no API clients');
    const operation = await finished(
      portal,
      await api.serviceIps.createServiceIp({
        parent: vpc,
        serviceIp: {
          name: '',
          prefixes,
          address: '',
          block: '',
          node: '',
          status: 'SERVICE_IP_STATUS_UNSPECIFIED' as never,
          statusReason: '',
          etag: '',
        },
        requestId: '',
      }),
      60,
    );
    expect(operation.error).toBeNull();
    const created = await api.serviceIps.getServiceIp({ name: `${vpc}/serviceIp` });
    expect(created).toMatchObject({ status: 'SERVICE_IP_ACTIVE', node: 'border1' });
    return created.address;
  }

  const managementHost = () => {
    const management = manifest.management;
    if (!management) throw new Error('the lab has no management network');
    return { namespace: management.namespace, address: management.hostAddress.split('/')[0] ?? '' };
  };

  it('a VM of a VPC with a service IP reaches the management host, from its VPC address', async () => {
    const host = managementHost();
    servers.push(tcpEchoSource(host.namespace, host.address, 8080));
    await eventually(
      10,
      async () => (await tcpLine(host.namespace, host.address, 8080)) || undefined,
    );
    const acme = await serviceIp('tenants/acme/vpcs/f', [`${host.address}/32`]);
    const beta = await serviceIp('tenants/beta/vpcs/f', [`${host.address}/32`]);
    // Two tenants with the very same CIDR and VM address: two sources on the management side.
    expect(port('twin').ip).toBe(port('vm1').ip);
    const seen = async (vm: LabPort) =>
      eventually(30, async () => (await tcpLine(vm.host, host.address, 8080)) || undefined);
    expect(await seen(port('vm1'))).toBe(acme);
    expect(await seen(port('twin'))).toBe(beta);
    expect(acme).not.toBe(beta);
    // Another subnet of the VPC and its bare-metal side use the same address.
    expect(await seen(port('vm2'))).toBe(acme);
  });

  it('a VM of a VPC without a service IP does not reach it', async () => {
    await createTenantSubnet(portal, { vpcs: 1, subnets: 1, ports: 2 }, 'gamma');
    const outsider = await bind('tenants/gamma/vpcs/f/subnets/a', 'g1', 'leaf1', 'swp1');
    await reaches(outsider, '10.0.1.1');
    const host = managementHost();
    await expect(tcpLine(outsider.host, host.address, 8080)).rejects.toThrow();
    await expect(ping(outsider, host.address, 2)).rejects.toThrow();
  });

  it('the management host cannot open a connection to any tenant address', async () => {
    const vm1 = port('vm1');
    servers.push(tcpEchoSource(vm1.host, '0.0.0.0', 8081));
    // The VM's server answers inside its VPC...
    expect(
      await eventually(
        10,
        async () => (await tcpLine(port('vm2').host, vm1.ip, 8081)) || undefined,
      ),
    ).toBe(port('vm2').ip);
    // ...but not the management side, even with the tenant CIDR routed to the border leaf.
    const host = managementHost();
    const management = manifest.management;
    const route = ['route', 'add', '10.0.0.0/16', 'via', management?.gateway ?? ''];
    await exec('ip', ['-n', host.namespace, ...route]);
    try {
      const acme = (await api?.serviceIps.getServiceIp({ name: 'tenants/acme/vpcs/f/serviceIp' }))
        ?.address;
      for (const [address, targetPort] of [
        [vm1.ip, 8081],
        [acme ?? '', 8081],
        [acme ?? '', 179],
      ] as const) {
        await expect(tcpLine(host.namespace, address, targetPort)).rejects.toThrow();
      }
      await expect(ping({ ...vm1, host: host.namespace }, vm1.ip, 2)).rejects.toThrow();
    } finally {
      await exec('ip', ['-n', host.namespace, 'route', 'delete', '10.0.0.0/16']);
    }
  });

  it("reports a leaked route and the NAT rule removed behind Loom's back, and repairs them", async () => {
    const host = managementHost();
    const vpc = await portal.vpcs.getVpc({ name: 'tenants/acme/vpcs/f' });
    const border = leaf('border1');
    await inLeafDaemons(border, '-n', vpc.vrfName, 'route', 'delete', `${host.address}/32`);
    await inLeafDaemons(
      border,
      'netns',
      'exec',
      vpc.vrfName,
      'nft',
      'delete',
      'table',
      'ip',
      'loom-service',
    );
    const drift = await ops.fabric.getFabricDrift({});
    expect(drift.items.map(({ device, kind, item }) => ({ device, kind, item }))).toEqual([
      {
        device: 'border1',
        kind: 'MISSING',
        item: `service-route ${host.address}/32 vrf ${vpc.vrfName}`,
      },
      { device: 'border1', kind: 'MISSING', item: `service-nat vrf ${vpc.vrfName}` },
    ]);
    await expect(tcpLine(port('vm1').host, host.address, 8080)).rejects.toThrow();
    const request = { reason: 'service IP drift on border1', devices: [] };
    expect((await ops.fabric.repairFabricDrift(request)).sagaIds).toHaveLength(1);
    await eventually(30, async () =>
      (await ops.fabric.getFabricDrift({})).items.length === 0 ? true : undefined,
    );
    const acme = await api?.serviceIps.getServiceIp({ name: 'tenants/acme/vpcs/f/serviceIp' });
    expect(
      await eventually(
        30,
        async () => (await tcpLine(port('vm1').host, host.address, 8080)) || undefined,
      ),
    ).toBe(acme?.address);
  });
});
