import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  fabricLabDown,
  gatewayLabPrerequisites,
  labHostNamespace,
  openFrrFabric,
  vtysh,
  vtyshJson,
  type FabricDevice,
  type FabricOperation,
  type FabricTopology,
  type FrrFabric,
  type LabDevice,
  type LabManifest,
} from '@loom/fabric';

const exec = promisify(execFile);

/** What this machine lacks to run the lab with gateway nodes: root, FRR, nftables, ping. */
const missing = [
  ...gatewayLabPrerequisites(),
  ...(existsSync('/usr/bin/ping') || existsSync('/bin/ping') ? [] : ['ping (iputils-ping)']),
];
const required = process.env['LOOM_REQUIRE_FRR'] === '1';
if (missing.length > 0 && !required) {
  console.warn(
    `SKIPPED gateway-failover e2e: ${missing.join('; ')} (set LOOM_REQUIRE_FRR=1 to fail instead)`,
  );
}
const suite = missing.length > 0 && !required ? describe.skip : describe;

function device(
  name: string,
  role: FabricDevice['role'],
  loopback: string,
  asn: number,
): FabricDevice {
  const capacity = { maxVrfs: 100, maxL2Vnis: 100, maxL3Vnis: 100 };
  return { name, role, loopback, asn, interfaces: ['swp1', 'swp2'], capacity };
}

/** Two spines, two leaves with the tenants' VMs, two gateway nodes (gw1 active). */
const topology: FabricTopology = {
  devices: [
    device('spine1', 'spine', '10.254.0.101', 65100),
    device('spine2', 'spine', '10.254.0.102', 65100),
    device('leaf1', 'leaf', '10.254.0.1', 65101),
    device('leaf2', 'leaf', '10.254.0.2', 65102),
    device('gw1', 'gateway', '10.254.0.21', 65301),
    device('gw2', 'gateway', '10.254.0.22', 65302),
  ],
};
const gateways = ['gw1', 'gw2'];
const externalHost = '203.0.113.230';

/** A VPC of one tenant: its VRF everywhere, its transfer link, SNAT and floating IP. */
interface Vpc {
  readonly vrf: string;
  readonly l3Vni: number;
  readonly l2Vni: number;
  readonly vlan: number;
  readonly transfer: number;
  readonly snat: string;
  readonly floatingIp: string;
}
/** Tenants blue and red use the very same CIDR and addresses. */
const blue: Vpc = {
  vrf: 'blue',
  l3Vni: 50001,
  l2Vni: 100001,
  vlan: 11,
  transfer: 0,
  snat: '198.51.100.1',
  floatingIp: '198.51.100.10',
};
const red: Vpc = {
  vrf: 'red',
  l3Vni: 50002,
  l2Vni: 100002,
  vlan: 12,
  transfer: 2,
  snat: '198.51.100.2',
  floatingIp: '198.51.100.11',
};

/** A VM: a namespace behind a leaf interface, in one VPC. */
interface Vm {
  readonly vpc: Vpc;
  readonly leaf: string;
  readonly iface: string;
  readonly ip: string;
  host: string;
}
// Per VPC: vm.5 without a floating IP on leaf1, vm.6 with one on leaf2.
const vms = {
  blue5: { vpc: blue, leaf: 'leaf1', iface: 'swp1', ip: '10.0.1.5', host: '' },
  blue6: { vpc: blue, leaf: 'leaf2', iface: 'swp1', ip: '10.0.1.6', host: '' },
  red5: { vpc: red, leaf: 'leaf1', iface: 'swp2', ip: '10.0.1.5', host: '' },
  red6: { vpc: red, leaf: 'leaf2', iface: 'swp2', ip: '10.0.1.6', host: '' },
} satisfies Record<string, Vm>;

async function inNs(ns: string, ...command: string[]): Promise<string> {
  const { stdout } = await exec('ip', ['netns', 'exec', ns, ...command], { timeout: 20_000 });
  return stdout;
}

async function eventually<T>(seconds: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  for (;;) {
    const value = await check().catch((error: unknown) => {
      last = error;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`not within ${seconds} s${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function pings(ns: string, to: string, count = 1): Promise<boolean> {
  try {
    await inNs(ns, 'ping', '-n', '-c', String(count), '-i', '0.2', '-W', '1', to);
    return true;
  } catch {
    return false;
  }
}

/**
 * A probe in a namespace: the source addresses of the echo requests it receives, in an nftables
 * set (no capture tool needed).
 */
async function addProbe(ns: string): Promise<void> {
  await inNs(ns, 'nft', 'add', 'table', 'ip', 'probe');
  await inNs(
    ns,
    'nft',
    'add',
    'set',
    'ip',
    'probe',
    'sources',
    '{ type ipv4_addr; flags dynamic; }',
  );
  await inNs(
    ns,
    'nft',
    'add',
    'chain',
    'ip',
    'probe',
    'input',
    '{ type filter hook input priority 0; policy accept; }',
  );
  await inNs(
    ns,
    'nft',
    'add',
    'rule',
    'ip',
    'probe',
    'input',
    'icmp',
    'type',
    'echo-request',
    'add',
    '@sources',
    '{ ip saddr }',
  );
}

async function probeSources(ns: string): Promise<string[]> {
  const text = await inNs(ns, 'nft', '-j', 'list', 'set', 'ip', 'probe', 'sources');
  const { nftables } = JSON.parse(text) as { nftables: { set?: { elem?: string[] } }[] };
  return (nftables.find((entry) => entry.set)?.set?.elem ?? []).slice().sort();
}

async function clearProbe(ns: string): Promise<void> {
  await inNs(ns, 'nft', 'flush', 'set', 'ip', 'probe', 'sources');
}

/** One reply's time (ping -D) in ms. */
function replyTimes(output: string): number[] {
  return [...output.matchAll(/^\[(\d+\.\d+)\] \d+ bytes from/gm)].map(
    (match) => Number(match[1]) * 1000,
  );
}

/** The longest time between two consecutive replies. */
function largestGap(times: readonly number[]): number {
  let gap = 0;
  for (let i = 1; i < times.length; i += 1)
    gap = Math.max(gap, (times[i] ?? 0) - (times[i - 1] ?? 0));
  return Math.round(gap);
}

/** A ping every 15 ms (bounded: `count` echoes, each waited for at most 1 s), with timestamps. */
function startPing(ns: string, to: string, count: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ip',
      ['netns', 'exec', ns, 'ping', '-D', '-n', '-i', '0.015', '-W', '1', '-c', String(count), to],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two gateway nodes (gw1 active, gw2 standing by), an upstream router and an external host, two
 * tenants with the same private addresses: NAT, floating IPs and their announcements, then gw1
 * failing three ways under a ping every 15 ms in both directions, with no call to Loom.
 */
suite('gateway nodes on the FRR lab: NAT, floating IPs, BGP and BFD failover', () => {
  let workDir = '';
  let labDir = '';
  let fabric: FrrFabric;
  let manifest: LabManifest;
  let keys = 0;
  const outages: Record<string, { inbound: number; outbound: number }> = {};

  const router = (name: string): LabDevice => {
    const found = [
      ...manifest.devices,
      ...manifest.spines,
      ...(manifest.upstream ? [manifest.upstream] : []),
    ].find((entry) => entry.name === name);
    if (!found) throw new Error(`no ${name} in the lab`);
    return found as LabDevice;
  };
  const external = () => manifest.externalHost?.namespace ?? '';

  async function run(device: string, operation: FabricOperation): Promise<void> {
    keys += 1;
    const id = await fabric.submit(device, operation, `failover-${keys}`);
    const outcome = await fabric.await(id, 30_000);
    expect({ device, operation, outcome }).toEqual({
      device,
      operation,
      outcome: { status: 'succeeded', changed: true },
    });
  }

  /** The same operation on both gateway nodes (each holds every VPC's NAT state). */
  async function onGateways(operation: FabricOperation): Promise<void> {
    for (const gateway of gateways) await run(gateway, operation);
  }

  /** The /32s in the upstream router's BGP table. */
  async function upstreamHostRoutes(): Promise<string[]> {
    const table = await vtyshJson<{ routes?: Record<string, unknown> }>(
      router('upstream'),
      'show ip bgp json',
    );
    return Object.keys(table.routes ?? {})
      .filter((prefix) => prefix.endsWith('/32'))
      .sort();
  }

  /**
   * The next hops each direction takes, which say which gateway node is active: the upstream's to
   * the floating IP and to the SNAT address, and each leaf's default route in the VPC's VRF.
   */
  async function activePaths(): Promise<Record<string, string>> {
    const route = async (device: LabDevice, command: string) => {
      const table = await vtyshJson<
        Record<string, { selected?: boolean; nexthops?: { ip?: string }[] }[]>
      >(device, command);
      const entry = Object.values(table)[0]?.find((candidate) => candidate.selected);
      return entry?.nexthops?.map((hop) => hop.ip ?? '').join(',') ?? '';
    };
    const upstream = router('upstream');
    const leafDefault = 'show ip route vrf blue 0.0.0.0/0 json';
    return {
      floatingIp: await route(upstream, `show ip route ${blue.floatingIp}/32 json`),
      snat: await route(upstream, `show ip route ${blue.snat}/32 json`),
      leaf1: await route(router('leaf1'), leafDefault),
      leaf2: await route(router('leaf2'), leafDefault),
    };
  }

  /** The paths when `gateway` carries both directions of every flow. */
  function pathsThrough(gateway: string): Record<string, string> {
    const node = router(gateway);
    const uplink = node.gateway?.uplink.address.split('/')[0] ?? '';
    return { floatingIp: uplink, snat: uplink, leaf1: node.loopback, leaf2: node.loopback };
  }

  /** gw1 carries both directions: the upstream sends to its uplink, the leaves to its VTEP. */
  async function gw1Active(): Promise<void> {
    const expected = JSON.stringify(pathsThrough('gw1'));
    await eventually(30, async () => {
      const paths = JSON.stringify(await activePaths());
      if (paths === expected) return true;
      throw new Error(`paths ${paths}, not yet ${expected}`);
    });
    // Both directions answer again before the next failure.
    await eventually(20, async () => {
      const inbound = await pings(external(), blue.floatingIp);
      const outbound = await pings(vms.blue5.host, externalHost);
      if (inbound && outbound) return true;
      const paths = JSON.stringify(await activePaths());
      const upstreamKernel = await inNs(
        router('upstream').namespace,
        'ip',
        'route',
        'show',
        'proto',
        'bgp',
      );
      throw new Error(
        `with gw1 active again (${paths}; the upstream's kernel: ${upstreamKernel.trim()}), inbound ${inbound ? 'answers' : 'silent'}, outbound ${outbound ? 'answers' : 'silent'}`,
      );
    });
  }

  /**
   * Fails gw1 with `fail` under two pings (external host -> blue6's floating IP, blue5 -> the
   * external host through the SNAT address) and returns the largest gap between replies of each.
   */
  async function measure(name: string, fail: () => Promise<void>): Promise<void> {
    await gw1Active();
    const count = 450;
    const inbound = startPing(external(), blue.floatingIp, count);
    const outbound = startPing(vms.blue5.host, externalHost, count);
    await sleep(2_000);
    const failedAt = Date.now();
    await fail();
    const [inText, outText] = await Promise.all([inbound, outbound]);
    const inTimes = replyTimes(inText);
    const outTimes = replyTimes(outText);
    outages[name] = { inbound: largestGap(inTimes), outbound: largestGap(outTimes) };
    console.log(
      `gateway failover, ${name}: outage inbound ${outages[name].inbound} ms, outbound ${outages[name].outbound} ms (${inTimes.length} and ${outTimes.length} of ${count} replies)`,
    );
    // Traffic resumed: replies came well after the failure, through the other node.
    for (const times of [inTimes, outTimes]) {
      expect(times.filter((time) => time > failedAt + 1_500).length).toBeGreaterThan(50);
    }
    expect(outages[name].inbound).toBeLessThan(1_000);
    expect(outages[name].outbound).toBeLessThan(1_000);
    expect(await activePaths()).toEqual(pathsThrough('gw2'));
  }

  beforeAll(async () => {
    if (missing.length > 0) {
      throw new Error(
        `LOOM_REQUIRE_FRR=1 but this machine cannot run the lab: ${missing.join('; ')}`,
      );
    }
    // The frr user must reach the lab directory: a world-searchable one of its own.
    workDir = await mkdtemp(join(tmpdir(), 'loom-gateway-e2e-'));
    await chmod(workDir, 0o755);
    labDir = join(workDir, 'lab');
    fabric = await openFrrFabric({ topology, labDir });
    manifest = fabric.manifest;
    for (const vpc of [blue, red]) {
      for (const device of ['leaf1', 'leaf2', ...gateways]) {
        const loopback = router(device).loopback;
        await run(device, {
          kind: 'createVrf',
          vrf: vpc.vrf,
          l3Vni: vpc.l3Vni,
          rd: `${loopback}:${vpc.l3Vni % 1000}`,
          importRts: [`65000:${vpc.l3Vni}`],
          exportRts: [`65000:${vpc.l3Vni}`],
        });
        await run(device, { kind: 'configureBgpEvpn', vrf: vpc.vrf });
      }
      const vrfAddress = `172.16.0.${vpc.transfer}`;
      const gatewayAddress = `172.16.0.${vpc.transfer + 1}`;
      await onGateways({
        kind: 'addTransferLink',
        vrf: vpc.vrf,
        vrfAddress: `${vrfAddress}/31`,
        gatewayAddress: `${gatewayAddress}/31`,
      });
      await onGateways({ kind: 'addDefaultRoute', vrf: vpc.vrf, nextHop: gatewayAddress });
      await onGateways({ kind: 'addSnat', vrf: vpc.vrf, publicAddress: vpc.snat });
      await onGateways({ kind: 'announceUpstream', prefix: `${vpc.snat}/32` });
    }
    for (const vm of Object.values(vms) as Vm[]) {
      await run(vm.leaf, {
        kind: 'bindL2Vni',
        l2Vni: vm.vpc.l2Vni,
        vrf: vm.vpc.vrf,
        vlan: vm.vpc.vlan,
        interface: vm.iface,
        anycastGateway: '10.0.1.1/24',
        gatewayMac: '00:00:5e:00:01:01',
      });
      vm.host = labHostNamespace(manifest, vm.leaf, vm.iface);
      const nic = `v${vm.vpc.vlan}`;
      await exec('ip', ['-n', vm.host, 'addr', 'add', `${vm.ip}/24`, 'dev', nic]);
      await exec('ip', ['-n', vm.host, 'route', 'add', 'default', 'via', '10.0.1.1', 'dev', nic]);
      await addProbe(vm.host);
    }
    await addProbe(external());
    // EVPN has carried every VM's routes once each VM has answered its own gateway.
    for (const vm of Object.values(vms) as Vm[]) {
      await eventually(20, async () => ((await pings(vm.host, '10.0.1.1')) ? true : undefined));
    }
  }, 240_000);

  afterAll(async () => {
    if (labDir) await fabricLabDown(labDir);
    if (workDir) await rm(workDir, { recursive: true, force: true });
    if (Object.keys(outages).length > 0)
      console.log(`gateway failover outages (ms): ${JSON.stringify(outages)}`);
  }, 60_000);

  it('gives a VM without a floating IP egress from its VPC SNAT address, in each tenant', async () => {
    for (const vm of [vms.blue5, vms.red5]) {
      await clearProbe(external());
      await eventually(20, async () => ((await pings(vm.host, externalHost)) ? true : undefined));
      expect(await probeSources(external())).toEqual([vm.vpc.snat]);
    }
  });

  it('holds each floating IP as a /32 in the upstream BGP table exactly while it is associated, and moves it', async () => {
    const snats = [`${blue.snat}/32`, `${red.snat}/32`];
    expect(await upstreamHostRoutes()).toEqual(snats);
    const associate = async (vpc: Vpc, vm: Vm) => {
      await onGateways({
        kind: 'addDnat',
        vrf: vpc.vrf,
        publicAddress: vpc.floatingIp,
        privateAddress: vm.ip,
      });
      await onGateways({ kind: 'announceUpstream', prefix: `${vpc.floatingIp}/32` });
    };
    const disassociate = async (vpc: Vpc) => {
      await onGateways({ kind: 'withdrawUpstream', prefix: `${vpc.floatingIp}/32` });
      await onGateways({ kind: 'removeDnat', vrf: vpc.vrf, publicAddress: vpc.floatingIp });
    };
    const table = (expected: string[]) =>
      eventually(10, async () => {
        const routes = await upstreamHostRoutes();
        return JSON.stringify(routes) === JSON.stringify([...expected].sort()) ? routes : undefined;
      });
    // Associated with blue5: announced, and the external host reaches blue5 through it.
    await associate(blue, vms.blue5);
    await table([...snats, `${blue.floatingIp}/32`]);
    await clearProbe(vms.blue5.host);
    await eventually(20, async () =>
      (await pings(external(), blue.floatingIp)) ? true : undefined,
    );
    expect(await probeSources(vms.blue5.host)).toEqual([externalHost]);
    // Moved to blue6: still announced, and it is blue6 that answers now.
    await disassociate(blue);
    await table(snats);
    await associate(blue, vms.blue6);
    await table([...snats, `${blue.floatingIp}/32`]);
    await clearProbe(vms.blue5.host);
    await clearProbe(vms.blue6.host);
    await eventually(20, async () =>
      (await pings(external(), blue.floatingIp)) ? true : undefined,
    );
    expect(await probeSources(vms.blue6.host)).toEqual([externalHost]);
    expect(await probeSources(vms.blue5.host)).toEqual([]);
    // Disassociated: gone from the upstream, and nothing answers it.
    await disassociate(blue);
    await table(snats);
    expect(await pings(external(), blue.floatingIp)).toBe(false);
    // Associated again (blue6, and red6 in the other tenant) for the tests below.
    await associate(blue, vms.blue6);
    await associate(red, vms.red6);
    await table([...snats, `${blue.floatingIp}/32`, `${red.floatingIp}/32`]);
  });

  it('reaches a VM through its floating IP, not through its private address, and the VM leaves from its floating IP', async () => {
    for (const vm of [vms.blue6, vms.red6]) {
      await clearProbe(vm.host);
      await eventually(20, async () =>
        (await pings(external(), vm.vpc.floatingIp)) ? true : undefined,
      );
      expect(await probeSources(vm.host)).toEqual([externalHost]);
      await clearProbe(external());
      expect(await pings(vm.host, externalHost)).toBe(true);
      expect(await probeSources(external())).toEqual([vm.vpc.floatingIp]);
    }
    await clearProbe(vms.blue6.host);
    expect(await pings(external(), vms.blue6.ip, 2)).toBe(false);
    expect(await probeSources(vms.blue6.host)).toEqual([]);
  });

  it('reads a NAT rule and an announcement removed behind its back on a gateway node, and an ensure puts them back', async () => {
    const gw2 = router('gw2');
    // Both nodes hold the same gateway state (their VRFs differ by their RDs only).
    const intended = await fabric.readState('gw2');
    expect(intended.gateway).toEqual((await fabric.readState('gw1')).gateway);
    // Behind Loom's back on gw2: blue's SNAT rule goes from nftables, its /32 from BGP.
    const zebra = (await readFile(join(gw2.frrDir, 'zebra.pid'), 'utf8')).trim();
    const inBlue = async (...command: string[]) =>
      (
        await exec('nsenter', [
          '--target',
          zebra,
          '--mount',
          '--net',
          '--',
          'ip',
          'netns',
          'exec',
          'blue',
          ...command,
        ])
      ).stdout;
    const { nftables } = JSON.parse(
      await inBlue('nft', '-j', '-a', 'list', 'chain', 'ip', 'loom', 'postrouting'),
    ) as {
      nftables: { rule?: { handle: number; comment?: string } }[];
    };
    const snatRule = nftables.find((entry) => entry.rule?.comment === 'loom snat')?.rule;
    expect(snatRule).toBeDefined();
    await inBlue(
      'nft',
      'delete',
      'rule',
      'ip',
      'loom',
      'postrouting',
      'handle',
      String(snatRule?.handle),
    );
    await vtysh(
      gw2,
      'configure terminal',
      `router bgp ${gw2.asn}`,
      'address-family ipv4 unicast',
      `no network ${blue.snat}/32`,
    );
    const drifted = await fabric.readState('gw2');
    expect(drifted.gateway?.snatRules).toEqual([{ vrf: 'red', publicAddress: red.snat }]);
    expect(drifted.gateway?.upstreamPrefixes).not.toContain(`${blue.snat}/32`);
    // The same operations again (what a repair submits) find what is missing and add it.
    await run('gw2', { kind: 'addSnat', vrf: 'blue', publicAddress: blue.snat });
    await run('gw2', { kind: 'announceUpstream', prefix: `${blue.snat}/32` });
    expect(await fabric.readState('gw2')).toEqual(intended);
    await eventually(10, async () =>
      (await upstreamHostRoutes()).includes(`${blue.snat}/32`) ? true : undefined,
    );
  });

  it('takes back a transfer link that fails part way, leaving the node as it was', async () => {
    const gw2 = router('gw2');
    const green = { vrf: 'green', l3Vni: 50003 };
    await run('gw2', {
      kind: 'createVrf',
      vrf: green.vrf,
      l3Vni: green.l3Vni,
      rd: `${gw2.loopback}:3`,
      importRts: ['65000:50003'],
      exportRts: ['65000:50003'],
    });
    const zebra = (await readFile(join(gw2.frrDir, 'zebra.pid'), 'utf8')).trim();
    const inDaemons = async (...command: string[]) =>
      (await exec('nsenter', ['--target', zebra, '--mount', '--net', '--', ...command])).stdout;
    const snapshot = async () => ({
      node: (await exec('ip', ['-n', gw2.namespace, '-o', 'link', 'show'])).stdout
        .split('\n')
        .map((line) => line.split(':')[1]?.trim() ?? '')
        .sort(),
      vrf: (await inDaemons('ip', '-4', '-n', green.vrf, '-o', 'addr', 'show')).split('\n').sort(),
      config: await vtysh(gw2, 'show running-config'),
      state: await fabric.readState('gw2'),
    });
    // Something already holds the name of the link's VRF end: the link fails after its node end
    // was made, and must take that back.
    const squatter = `tv${green.l3Vni}`;
    await inDaemons('ip', '-n', green.vrf, 'link', 'add', squatter, 'type', 'bridge');
    const before = await snapshot();
    const operation: FabricOperation = {
      kind: 'addTransferLink',
      vrf: green.vrf,
      vrfAddress: '172.16.0.4/31',
      gatewayAddress: '172.16.0.5/31',
    };
    keys += 1;
    const key = `failover-${keys}`;
    const outcome = await fabric.await(await fabric.submit('gw2', operation, key), 30_000);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'rejected' });
    expect(await snapshot()).toEqual(before);
    // With the cause gone, the same key runs it again, and it takes effect.
    await inDaemons('ip', '-n', green.vrf, 'link', 'delete', squatter);
    expect(await fabric.await(await fabric.submit('gw2', operation, key), 30_000)).toEqual({
      status: 'succeeded',
      changed: true,
    });
    await run('gw2', { kind: 'removeTransferLink', vrf: green.vrf });
    await run('gw2', { kind: 'deleteVrf', vrf: green.vrf });
  });

  it('keeps two tenants with the same private addresses apart', async () => {
    for (const vm of Object.values(vms) as Vm[]) await clearProbe(vm.host);
    // Each VM at .5 reaches the .6 of its own VPC, and only that one.
    expect(await pings(vms.blue5.host, '10.0.1.6', 2)).toBe(true);
    expect(await pings(vms.red5.host, '10.0.1.6', 2)).toBe(true);
    expect(await probeSources(vms.blue6.host)).toEqual(['10.0.1.5']);
    expect(await probeSources(vms.red6.host)).toEqual(['10.0.1.5']);
    // Nothing of red reaches blue's VMs privately: with blue6 unplugged, red's 10.0.1.6 is not its stand-in.
    await exec('ip', ['-n', vms.blue6.host, 'link', 'set', `v${blue.vlan}`, 'down']);
    try {
      await clearProbe(vms.red6.host);
      expect(await pings(vms.blue5.host, '10.0.1.6', 2)).toBe(false);
      expect(await probeSources(vms.red6.host)).toEqual([]);
    } finally {
      const nic = `v${blue.vlan}`;
      await exec('ip', ['-n', vms.blue6.host, 'link', 'set', nic, 'up']);
      // The kernel dropped the default route with the link.
      await exec('ip', [
        '-n',
        vms.blue6.host,
        'route',
        'replace',
        'default',
        'via',
        '10.0.1.1',
        'dev',
        nic,
      ]);
    }
    await eventually(20, async () =>
      (await pings(vms.blue6.host, '10.0.1.1')) ? true : undefined,
    );
  });

  describe('when the active gateway node fails, traffic moves to the other in both directions within 1 s', () => {
    const gw1 = () => router('gw1');

    it('its uplink goes down', async () => {
      try {
        await measure('uplink down', async () => {
          await exec('ip', ['-n', gw1().namespace, 'link', 'set', 'uplink', 'down']);
        });
      } finally {
        await exec('ip', ['-n', gw1().namespace, 'link', 'set', 'uplink', 'up']);
      }
    });

    it('it goes silent with its links up (all its traffic dropped)', async () => {
      const ns = gw1().namespace;
      try {
        await measure('silent', async () => {
          await inNs(
            ns,
            'nft',
            'table inet loomsilent { chain in { type filter hook prerouting priority -500; policy drop; }; chain out { type filter hook output priority -500; policy drop; }; }',
          );
        });
      } finally {
        await inNs(ns, 'nft', 'delete', 'table', 'inet', 'loomsilent').catch(() => undefined);
      }
    });

    it('its routing daemons are killed', async () => {
      await measure('daemons killed', async () => {
        for (const daemon of ['bgpd', 'bfdd', 'zebra']) {
          const pid = Number((await readFile(join(gw1().frrDir, `${daemon}.pid`), 'utf8')).trim());
          const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
          // Only this lab's daemon: started with its own directory.
          expect(cmdline).toContain(labDir);
          process.kill(pid, 'SIGKILL');
        }
      });
    });

    it('records each outage', () => {
      expect(Object.keys(outages).sort()).toEqual(['daemons killed', 'silent', 'uplink down']);
    });
  });

  it('lab down leaves no namespace, daemon or file', async () => {
    const prefix = manifest.prefix;
    await fabricLabDown(labDir);
    const { stdout } = await exec('ip', ['netns', 'list']);
    expect(stdout.split('\n').filter((line) => line.startsWith(prefix))).toEqual([]);
    const daemons: string[] = [];
    for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes(labDir)) daemons.push(cmdline.replace(/\0/g, ' '));
    }
    expect(daemons).toEqual([]);
    expect(existsSync(labDir)).toBe(false);
  });
});
