import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  fabricLabDown,
  gatewayLabPrerequisites,
  labHostNamespace,
  readLabManifest,
  vtysh,
  vtyshJson,
  type LabManifest,
} from '@loom/fabric';
import type { Operation } from '@loom/api-contract';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import { externalClientsAs, type ExternalClients } from '../../../test/support/external-clients';
import type { LoomClients } from '../../../test/support/grpc-client';
import {
  boundPortBody,
  createVpcSubnet,
  finished,
  tenantBody,
} from '../../../test/support/network-fixtures';

const exec = promisify(execFile);

/** What this machine lacks to run the lab with gateway nodes: root, FRR, nftables, ping. */
const missing = [
  ...gatewayLabPrerequisites(),
  ...(existsSync('/usr/bin/ping') || existsSync('/bin/ping') ? [] : ['ping (iputils-ping)']),
];
const required = process.env['LOOM_REQUIRE_FRR'] === '1';
if (missing.length > 0 && !required) {
  console.warn(
    `SKIPPED external-network-frr e2e: ${missing.join('; ')} (set LOOM_REQUIRE_FRR=1 to fail instead)`,
  );
}
const suite = missing.length > 0 && !required ? describe.skip : describe;

const topology = {
  devices: [
    { name: 'spine1', role: 'spine', loopback: '10.254.0.101', asn: 65100, interfaces: ['swp1'] },
    { name: 'leaf1', role: 'leaf', loopback: '10.254.0.1', asn: 65101, interfaces: ['swp[1-4]'] },
    { name: 'leaf2', role: 'leaf', loopback: '10.254.0.2', asn: 65102, interfaces: ['swp[1-4]'] },
    { name: 'gw1', role: 'gateway', loopback: '10.254.0.21', asn: 65301, interfaces: ['swp1'] },
    { name: 'gw2', role: 'gateway', loopback: '10.254.0.22', asn: 65302, interfaces: ['swp1'] },
  ],
};
const NETWORK = 'externalNetworks/internet';
const externalHost = '203.0.113.230';

const gatewayBody = () => ({
  name: '',
  externalNetwork: NETWORK,
  transferBlock: '',
  vrfAddress: '',
  gatewayAddress: '',
  snatAddress: '',
  status: 'EXTERNAL_GATEWAY_STATUS_UNSPECIFIED' as never,
  statusReason: '',
  floatingIps: [],
  etag: '',
});
const floatingIpBody = (port = '') => ({
  name: '',
  displayName: '',
  externalNetwork: NETWORK,
  address: '',
  port,
  fixedIp: '',
  status: 'FLOATING_IP_STATUS_UNSPECIFIED' as never,
  statusReason: '',
  etag: '',
});

/** A port made through the API, and the VM (namespace) behind its leaf interface. */
interface Vm {
  readonly name: string;
  readonly ip: string;
  readonly host: string;
}

async function inNs(ns: string, ...command: string[]): Promise<string> {
  const { stdout } = await exec('ip', ['netns', 'exec', ns, ...command], { timeout: 20_000 });
  return stdout;
}

async function pings(ns: string, to: string, count = 1): Promise<boolean> {
  try {
    await inNs(ns, 'ping', '-n', '-c', String(count), '-i', '0.2', '-W', '1', to);
    return true;
  } catch {
    return false;
  }
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

/** The sources of echo requests a namespace receives, in an nftables set (no capture tool). */
async function addProbe(ns: string): Promise<void> {
  const nft = (...args: string[]) => inNs(ns, 'nft', ...args);
  await nft('add', 'table', 'ip', 'probe');
  await nft('add', 'set', 'ip', 'probe', 'sources', '{ type ipv4_addr; flags dynamic; }');
  await nft(
    'add',
    'chain',
    'ip',
    'probe',
    'input',
    '{ type filter hook input priority 0; policy accept; }',
  );
  await nft(
    ...['add', 'rule', 'ip', 'probe', 'input', 'icmp', 'type', 'echo-request'],
    ...['add', '@sources', '{ ip saddr }'],
  );
}

async function probeSources(ns: string): Promise<string[]> {
  const text = await inNs(ns, 'nft', '-j', 'list', 'set', 'ip', 'probe', 'sources');
  const { nftables } = JSON.parse(text) as { nftables: { set?: { elem?: string[] } }[] };
  return (nftables.find((entry) => entry.set)?.set?.elem ?? []).slice().sort();
}

const clearProbe = (ns: string) => inNs(ns, 'nft', 'flush', 'set', 'ip', 'probe', 'sources');

/**
 * The external network API on the FRR lab, end to end: what the gRPC calls configure on two
 * gateway nodes is checked with packets between VMs and the external host, and in the upstream
 * router's BGP table.
 */
suite('external networks on the FRR lab, through the API', () => {
  let engine: TestEngine | undefined;
  let portal: LoomClients;
  let external: ExternalClients | undefined;
  let workDir = '';
  let labDir = '';
  let manifest: LabManifest;
  const vms = new Map<string, Vm>();
  const vm = (name: string): Vm => {
    const found = vms.get(name);
    if (!found) throw new Error(`no VM ${name}`);
    return found;
  };
  const externalNs = () => manifest.externalHost?.namespace ?? '';

  const done = async (operation: Promise<Operation>): Promise<Operation> => {
    const result = await finished(portal, await operation, 60);
    expect({ done: result.done, error: result.error }).toEqual({ done: true, error: null });
    return result;
  };

  /** The /32s in the upstream router's BGP table. */
  async function upstreamHostRoutes(): Promise<string[]> {
    const upstream = manifest.upstream;
    if (!upstream) throw new Error('the lab has no upstream router');
    const table = await vtyshJson<{ routes?: Record<string, unknown> }>(
      upstream,
      'show ip bgp json',
    );
    return Object.keys(table.routes ?? {})
      .filter((prefix) => prefix.endsWith('/32'))
      .sort();
  }

  const upstreamHolds = (expected: string[]) =>
    eventually(15, async () => {
      const routes = await upstreamHostRoutes();
      return JSON.stringify(routes) === JSON.stringify([...expected].sort()) ? routes : undefined;
    });

  async function addVm(tenant: string, portId: string, leaf: string, iface: string) {
    const parent = `tenants/${tenant}/vpcs/blue/subnets/web`;
    await done(
      portal.ports.createPort({ parent, portId, port: boundPortBody(leaf, iface), requestId: '' }),
    );
    const port = await portal.ports.getPort({ name: `${parent}/ports/${portId}` });
    const { gatewayIp } = await portal.subnets.getSubnet({ name: parent });
    const host = labHostNamespace(manifest, leaf, iface);
    const nic = `v${port.binding?.vlan ?? 0}`;
    await exec('ip', ['-n', host, 'addr', 'add', `${port.fixedIp}/24`, 'dev', nic]);
    await exec('ip', ['-n', host, 'route', 'add', 'default', 'via', gatewayIp, 'dev', nic]);
    await addProbe(host);
    await eventually(20, async () => ((await pings(host, gatewayIp)) ? true : undefined));
    vms.set(`${tenant}/${portId}`, { name: port.name, ip: port.fixedIp, host });
  }

  const associate = (floatingIp: string, port: string) =>
    external?.floatingIps.updateFloatingIp({
      floatingIp: { ...floatingIpBody(port), name: floatingIp },
      updateMask: { paths: ['port'] } as never,
      requestId: '',
    }) ?? Promise.reject(new Error('no external clients'));

  beforeAll(async () => {
    if (missing.length > 0) {
      throw new Error(
        `LOOM_REQUIRE_FRR=1 but this machine cannot run the lab: ${missing.join('; ')}`,
      );
    }
    // The frr user must reach the lab directory: a world-searchable one of its own.
    workDir = await mkdtemp(join(tmpdir(), 'loom-external-frr-e2e-'));
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
    external = await externalClientsAs(engine.address, engine.dataDir, 'portal');
    await addProbe(externalNs());
    for (const tenantId of ['acme', 'globex']) {
      await portal.tenants.createTenant({
        tenantId,
        tenant: {
          ...tenantBody({ vpcs: 2, subnets: 2, ports: 5 }),
          quota: { vpcs: 2, subnets: 2, ports: 5, floatingIps: 2 },
        },
        requestId: '',
      });
      // The very same CIDRs in both tenants.
      await createVpcSubnet(
        portal,
        `tenants/${tenantId}`,
        'blue',
        '10.0.0.0/16',
        'web',
        '10.0.1.0/24',
      );
    }
    await addVm('acme', 'vm1', 'leaf1', 'swp1');
    await addVm('acme', 'vm2', 'leaf2', 'swp1');
    await addVm('globex', 'vm1', 'leaf2', 'swp2');
    await external.externalNetworks.createExternalNetwork({
      externalNetworkId: 'internet',
      externalNetwork: {
        name: '',
        displayName: 'The Internet',
        pools: ['198.51.100.0/28'],
        gatewayNodes: ['gw1', 'gw2'],
        upstreamPeers: [{ address: '198.51.100.240', asn: 64500 }],
        addressesInUse: 0,
        etag: '',
        createTime: null,
        updateTime: null,
      },
      requestId: '',
    });
    for (const tenantId of ['acme', 'globex']) {
      await done(
        external.externalGateways.createExternalGateway({
          parent: `tenants/${tenantId}/vpcs/blue`,
          externalGateway: gatewayBody(),
          requestId: '',
        }),
      );
    }
  }, 300_000);

  afterAll(async () => {
    external?.close();
    await engine?.stop();
    if (labDir) await fabricLabDown(labDir);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }, 60_000);

  const snatOf = async (tenant: string) =>
    (
      await (external as ExternalClients).externalGateways.getExternalGateway({
        name: `tenants/${tenant}/vpcs/blue/externalGateway`,
      })
    ).snatAddress;

  it('gives VMs without a floating IP egress from their VPC SNAT address, in both tenants', async () => {
    const snats = [await snatOf('acme'), await snatOf('globex')];
    expect(new Set(snats).size).toBe(2);
    await upstreamHolds(snats.map((address) => `${address}/32`));
    for (const [name, snat] of [
      ['acme/vm1', snats[0]],
      ['globex/vm1', snats[1]],
    ] as const) {
      await clearProbe(externalNs());
      await eventually(20, async () =>
        (await pings(vm(name).host, externalHost)) ? true : undefined,
      );
      expect(await probeSources(externalNs())).toEqual([snat]);
    }
  });

  it('announces a floating IP upstream exactly while it is associated, and delivers it to its port', async () => {
    const snats = [`${await snatOf('acme')}/32`, `${await snatOf('globex')}/32`];
    const ips = (external as ExternalClients).floatingIps;
    await done(
      ips.createFloatingIp({
        parent: 'tenants/acme',
        floatingIpId: 'web',
        floatingIp: floatingIpBody(),
        requestId: '',
      }),
    );
    const { address } = await ips.getFloatingIp({ name: 'tenants/acme/floatingIps/web' });
    await upstreamHolds(snats);
    const reachedBy = async (target: Vm) => {
      for (const other of vms.values()) await clearProbe(other.host);
      await eventually(20, async () => ((await pings(externalNs(), address)) ? true : undefined));
      expect(await probeSources(target.host)).toEqual([externalHost]);
      for (const other of vms.values()) {
        if (other !== target) expect(await probeSources(other.host)).toEqual([]);
      }
    };
    // Associated with vm2: announced, vm2 answers, and vm2 leaves from it.
    await done(associate('tenants/acme/floatingIps/web', vm('acme/vm2').name));
    await upstreamHolds([...snats, `${address}/32`]);
    await reachedBy(vm('acme/vm2'));
    await clearProbe(externalNs());
    expect(await pings(vm('acme/vm2').host, externalHost)).toBe(true);
    expect(await probeSources(externalNs())).toEqual([address]);
    // The private address is routed nowhere outside the VPC.
    expect(await pings(externalNs(), vm('acme/vm2').ip)).toBe(false);
    // Moved to vm1: still announced, and vm1 answers.
    await done(associate('tenants/acme/floatingIps/web', vm('acme/vm1').name));
    await upstreamHolds([...snats, `${address}/32`]);
    await reachedBy(vm('acme/vm1'));
    // Disassociated: withdrawn, and nothing answers it.
    await done(associate('tenants/acme/floatingIps/web', ''));
    await upstreamHolds(snats);
    expect(await pings(externalNs(), address)).toBe(false);
  });

  it('reports a SNAT rule and an announcement removed on a gateway node behind its back, and repairs them', async () => {
    const drift = () => portal.fabric.getFabricDrift({});
    await eventually(20, async () => ((await drift()).items.length === 0 ? true : undefined));
    expect(await drift()).toEqual({ items: [], unreachableDevices: [] });
    const gw2 = manifest.devices.find((device) => device.name === 'gw2');
    if (!gw2) throw new Error('no gw2 in the lab');
    const snat = await snatOf('acme');
    const { vrfName } = await portal.vpcs.getVpc({ name: 'tenants/acme/vpcs/blue' });
    // Behind Loom's back on gw2: acme's SNAT rule goes from nftables, its /32 from BGP.
    const zebra = (await readFile(join(gw2.frrDir, 'zebra.pid'), 'utf8')).trim();
    const inVrf = async (...command: string[]) =>
      (
        await exec('nsenter', [
          ...['--target', zebra, '--mount', '--net', '--'],
          ...['ip', 'netns', 'exec', vrfName, ...command],
        ])
      ).stdout;
    const chain = JSON.parse(
      await inVrf('nft', '-j', '-a', 'list', 'chain', 'ip', 'loom', 'postrouting'),
    ) as { nftables: { rule?: { handle: number; comment?: string } }[] };
    const rule = chain.nftables.find((entry) => entry.rule?.comment === 'loom snat')?.rule;
    if (!rule) throw new Error(`no SNAT rule in ${vrfName} on gw2`);
    await inVrf(
      'nft',
      'delete',
      'rule',
      'ip',
      'loom',
      'postrouting',
      'handle',
      String(rule.handle),
    );
    await vtysh(
      gw2,
      'configure terminal',
      `router bgp ${gw2.asn}`,
      'address-family ipv4 unicast',
      `no network ${snat}/32`,
    );
    const found = await drift();
    expect(
      found.items
        .map(({ device, kind, item }) => ({ device, kind, item }))
        .sort((a, b) => (a.item < b.item ? -1 : 1)),
    ).toEqual([
      { device: 'gw2', kind: 'MISSING', item: expect.stringMatching(/^snat /) as string },
      { device: 'gw2', kind: 'MISSING', item: `upstream-prefix ${snat}/32` },
    ]);
    await portal.fabric.repairFabricDrift({ reason: 'drift on a gateway node', devices: [] });
    await eventually(30, async () => ((await drift()).items.length === 0 ? true : undefined));
    expect(await drift()).toEqual({ items: [], unreachableDevices: [] });
    // gw2 holds the rule and the announcement again: the upstream has both nodes' paths.
    const upstream = manifest.upstream;
    if (!upstream) throw new Error('the lab has no upstream router');
    await eventually(15, async () => {
      const entry = await vtyshJson<{ paths?: unknown[] }>(upstream, `show ip bgp ${snat}/32 json`);
      return entry.paths?.length === 2 ? true : undefined;
    });
  });

  it("keeps the tenants' identical addresses apart", async () => {
    // globex/vm1 has the address acme/vm1 has: acme/vm2 reaches acme/vm1 only.
    const [acme1, acme2, globex1] = [vm('acme/vm1'), vm('acme/vm2'), vm('globex/vm1')];
    expect(globex1.ip).toBe(acme1.ip);
    await clearProbe(acme1.host);
    await clearProbe(globex1.host);
    expect(await pings(acme2.host, acme1.ip, 2)).toBe(true);
    expect(await probeSources(acme1.host)).toEqual([acme2.ip]);
    expect(await probeSources(globex1.host)).toEqual([]);
  });
});
