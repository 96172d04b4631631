import { execFile, spawn, type ChildProcess } from 'node:child_process';
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
  type LabManifest,
} from '@loom/fabric';
import type { Operation, QosLimit, QosPolicy } from '@loom/api-contract';
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
const iperf3 = ['/usr/bin/iperf3', '/bin/iperf3'].find((path) => existsSync(path));

/** What this machine lacks to run the lab with a gateway node and measure: root, FRR, nftables, iperf3. */
const missing = [
  ...gatewayLabPrerequisites(),
  ...(iperf3 ? [] : ['iperf3 (apt-get install iperf3)']),
];
const required = process.env['LOOM_REQUIRE_FRR'] === '1';
if (missing.length > 0 && !required) {
  console.warn(
    `SKIPPED qos-frr e2e: ${missing.join('; ')} (set LOOM_REQUIRE_FRR=1 to fail instead)`,
  );
}
const suite = missing.length > 0 && !required ? describe.skip : describe;

/** One spine, two leaves and one gateway node: the smallest lab with ports and a floating IP. */
const topology = {
  devices: [
    { name: 'spine1', role: 'spine', loopback: '10.254.0.101', asn: 65100, interfaces: ['swp1'] },
    { name: 'leaf1', role: 'leaf', loopback: '10.254.0.1', asn: 65101, interfaces: ['swp[1-2]'] },
    { name: 'leaf2', role: 'leaf', loopback: '10.254.0.2', asn: 65102, interfaces: ['swp[1-2]'] },
    { name: 'gw1', role: 'gateway', loopback: '10.254.0.21', asn: 65301, interfaces: ['swp1'] },
  ],
};
const NETWORK = 'externalNetworks/internet';
const TENANT = 'tenants/acme';
const PORT_POLICY = `${TENANT}/qosPolicies/vm`;
const FIP_POLICY = `${TENANT}/qosPolicies/fip`;
const FIP = `${TENANT}/floatingIps/web`;

const mbit = (rate: number): QosLimit => ({
  maxRateKbps: rate * 1000,
  // About 12 ms at the rate (at least 10 MTUs): a TCP flow keeps the shaper busy.
  maxBurstBytes: Math.max(15_000, rate * 1500),
});
const policyBody = (limit: QosLimit): QosPolicy => ({
  name: '',
  displayName: '',
  ingress: limit,
  egress: limit,
  attachments: [],
  status: 'QOS_POLICY_STATUS_UNSPECIFIED' as never,
  statusReason: '',
  etag: '',
});

interface Vm {
  readonly name: string;
  readonly ip: string;
  readonly host: string;
  readonly vlan: number;
}

async function inNs(ns: string, ...command: string[]): Promise<string> {
  const { stdout } = await exec('ip', ['netns', 'exec', ns, ...command], { timeout: 20_000 });
  return stdout;
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

const pings = (ns: string, to: string) =>
  inNs(ns, 'ping', '-n', '-c', '1', '-W', '1', to).then(
    () => true,
    () => false,
  );

/**
 * One bulk TCP transfer with iperf3 between two lab namespaces, 3 s after 1 s of slow start left
 * out; the receiver's rate in Mbit/s. `reverse`: the server sends to the client.
 */
async function measure(
  clientNs: string,
  server: string,
  options: { bind?: string; reverse?: boolean; mss?: number } = {},
): Promise<number> {
  const args = [
    '-c',
    server,
    '-p',
    '5201',
    '-t',
    '3',
    '-O',
    '1',
    '-J',
    '--connect-timeout',
    '3000',
  ];
  if (options.bind) args.push('-B', options.bind);
  if (options.reverse) args.push('-R');
  if (options.mss) args.push('-M', String(options.mss));
  const { stdout } = await exec('ip', ['netns', 'exec', clientNs, iperf3 ?? 'iperf3', ...args], {
    timeout: 20_000,
  });
  const report = JSON.parse(stdout) as { end: { sum_received: { bits_per_second: number } } };
  return report.end.sum_received.bits_per_second / 1e6;
}

/**
 * QoS policies on the FRR lab, through the API, measured: a port shaped on its leaf (Linux tc on
 * the access veth and its ifb) and a floating IP shaped on its gateway node (tc on the transfer
 * link) each carry a bulk transfer within 10% of the configured rate, at 10 and 100 Mbit/s, each
 * way; an unshaped port behind the same leaf interface is not slowed; a changed rate is measured
 * changed. One lab for every case; iperf3 only inside the lab's namespaces.
 */
suite('QoS on the FRR lab, measured with iperf3', () => {
  let engine: TestEngine | undefined;
  let portal: LoomClients;
  let ops: LoomClients | undefined;
  const opsClients = (): LoomClients => {
    if (!ops) throw new Error('no ops clients');
    return ops;
  };
  let external: ExternalClients | undefined;
  let workDir = '';
  let labDir = '';
  let manifest: LabManifest;
  let server: ChildProcess | undefined;
  const vms = new Map<string, Vm>();
  const vm = (name: string): Vm => {
    const found = vms.get(name);
    if (!found) throw new Error(`no VM ${name}`);
    return found;
  };
  const measured: string[] = [];

  const done = async (operation: Promise<Operation>): Promise<Operation> => {
    const result = await finished(portal, await operation, 60);
    expect({ done: result.done, error: result.error }).toEqual({ done: true, error: null });
    return result;
  };
  const clients = () => {
    if (!external) throw new Error('no clients');
    return external;
  };

  /** tc where a leaf's VRF lives: its namespace, seen from the leaf's daemons' mount namespace. */
  async function tcInVrf(leaf: string, vrf: string, ...args: string[]): Promise<string> {
    const device = manifest.devices.find((entry) => entry.name === leaf);
    if (!device) throw new Error(`no lab device ${leaf}`);
    const zebra = (await readFile(join(device.frrDir, 'zebra.pid'), 'utf8')).trim();
    const nsenter = ['--target', zebra, '--mount', '--net', '--'];
    const { stdout } = await exec('nsenter', [
      ...nsenter,
      'ip',
      'netns',
      'exec',
      vrf,
      'tc',
      ...args,
    ]);
    return stdout;
  }

  /** Drift as ops see it: device, kind and item of each difference. */
  const drift = async () =>
    (await opsClients().fabric.getFabricDrift({})).items.map(
      (item) => `${item.device} ${item.kind} ${item.item}`,
    );

  /** Repairs through the API and waits until no drift is left. */
  async function repair(reason: string): Promise<void> {
    await opsClients().fabric.repairFabricDrift({ reason, devices: [] });
    await eventually(30, async () => ((await drift()).length === 0 ? true : undefined));
  }

  async function addVm(portId: string, leaf: string, iface: string): Promise<void> {
    const parent = `${TENANT}/vpcs/blue/subnets/web`;
    await done(
      portal.ports.createPort({ parent, portId, port: boundPortBody(leaf, iface), requestId: '' }),
    );
    const port = await portal.ports.getPort({ name: `${parent}/ports/${portId}` });
    const { gatewayIp } = await portal.subnets.getSubnet({ name: parent });
    const host = labHostNamespace(manifest, leaf, iface);
    const nic = `v${port.binding?.vlan ?? 0}`;
    await exec('ip', ['-n', host, 'addr', 'add', `${port.fixedIp}/24`, 'dev', nic]);
    // VMs of one subnet behind one interface share the namespace: the first adds the route.
    await exec('ip', ['-n', host, 'route', 'replace', 'default', 'via', gatewayIp, 'dev', nic]);
    await eventually(20, async () => ((await pings(host, gatewayIp)) ? true : undefined));
    vms.set(portId, { name: port.name, ip: port.fixedIp, host, vlan: port.binding?.vlan ?? 0 });
  }

  const setRate = (policy: string, rate: number) =>
    done(
      clients().qosPolicies.updateQosPolicy({
        qosPolicy: { ...policyBody(mbit(rate)), name: policy },
        updateMask: { paths: ['ingress', 'egress'] } as never,
        requestId: '',
      }),
    );

  /** Measures and records; asserts within 10% of `rate` Mbit/s (or, for `unshaped`, far above it). */
  async function expectRate(
    what: string,
    rate: number,
    run: () => Promise<number>,
    unshaped = false,
  ): Promise<void> {
    const achieved = await run();
    measured.push(
      `${what}: ${achieved.toFixed(2)} Mbit/s (configured ${unshaped ? 'none' : rate})`,
    );
    if (unshaped) expect({ what, faster: achieved > 3 * rate }).toEqual({ what, faster: true });
    else {
      expect({ what, achieved, within: Math.abs(achieved - rate) <= 0.1 * rate }).toEqual({
        what,
        achieved,
        within: true,
      });
    }
  }

  beforeAll(async () => {
    if (missing.length > 0) {
      throw new Error(
        `LOOM_REQUIRE_FRR=1 but this machine cannot run the lab: ${missing.join('; ')}`,
      );
    }
    // The frr user must reach the lab directory: a world-searchable one of its own.
    workDir = await mkdtemp(join(tmpdir(), 'loom-qos-frr-e2e-'));
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
    external = await externalClientsAs(engine.address, engine.dataDir, 'portal');
    await portal.tenants.createTenant({
      tenantId: 'acme',
      tenant: {
        ...tenantBody({ vpcs: 1, subnets: 1, ports: 5 }),
        quota: { vpcs: 1, subnets: 1, ports: 5, floatingIps: 1 },
      },
      requestId: '',
    });
    await createVpcSubnet(portal, TENANT, 'blue', '10.0.0.0/16', 'web', '10.0.1.0/24');
    // vm1 (shaped) and vm2 (not) behind the same leaf interface and VLAN; vm3 across the fabric.
    await addVm('vm1', 'leaf1', 'swp1');
    await addVm('vm2', 'leaf1', 'swp1');
    await addVm('vm3', 'leaf2', 'swp1');
    await external.externalNetworks.createExternalNetwork({
      externalNetworkId: 'internet',
      externalNetwork: {
        name: '',
        displayName: 'The Internet',
        pools: ['198.51.100.0/28'],
        gatewayNodes: ['gw1'],
        upstreamPeers: [{ address: '198.51.100.240', asn: 64500 }],
        addressesInUse: 0,
        etag: '',
        createTime: null,
        updateTime: null,
      },
      requestId: '',
    });
    await done(
      external.externalGateways.createExternalGateway({
        parent: `${TENANT}/vpcs/blue`,
        externalGateway: {
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
        },
        requestId: '',
      }),
    );
    const fip = {
      name: '',
      displayName: '',
      externalNetwork: NETWORK,
      address: '',
      port: '',
      fixedIp: '',
      status: 'FLOATING_IP_STATUS_UNSPECIFIED' as never,
      statusReason: '',
      etag: '',
    };
    await done(
      external.floatingIps.createFloatingIp({
        parent: TENANT,
        floatingIpId: 'web',
        floatingIp: fip,
        requestId: '',
      }),
    );
    await done(
      external.floatingIps.updateFloatingIp({
        floatingIp: { ...fip, name: FIP, port: vm('vm3').name },
        updateMask: { paths: ['port'] } as never,
        requestId: '',
      }),
    );
    // One iperf3 server, in vm3's namespace, for every measurement (one client at a time).
    server = spawn(
      'ip',
      ['netns', 'exec', vm('vm3').host, iperf3 ?? 'iperf3', '-s', '-p', '5201'],
      {
        stdio: 'ignore',
      },
    );
    await eventually(10, async () =>
      (await inNs(vm('vm3').host, 'ss', '-ltn')).includes(':5201') ? true : undefined,
    );
    for (const [policy, rate] of [
      [PORT_POLICY, 10],
      [FIP_POLICY, 10],
    ] as const) {
      await done(
        external.qosPolicies.createQosPolicy({
          parent: TENANT,
          qosPolicyId: policy.split('/').at(-1) ?? '',
          qosPolicy: policyBody(mbit(rate)),
          requestId: '',
        }),
      );
    }
  }, 300_000);

  afterAll(async () => {
    server?.kill('SIGTERM');
    external?.close();
    await engine?.stop();
    if (labDir) await fabricLabDown(labDir);
    if (workDir) await rm(workDir, { recursive: true, force: true });
    if (measured.length > 0) console.info(`QoS measured on the FRR lab:\n${measured.join('\n')}`);
  }, 60_000);

  it('shapes a port at 10 Mbit/s each way, leaves the port beside it alone, and at 100 Mbit/s after a live change', async () => {
    const vm1 = vm('vm1');
    const to = vm('vm3').ip;
    await done(
      clients().qosPolicies.attachQosPolicy({
        name: PORT_POLICY,
        resource: vm1.name,
        etag: '',
        requestId: '',
      }),
    );
    for (const rate of [10, 100]) {
      if (rate !== 10) await setRate(PORT_POLICY, rate);
      await expectRate(`port egress (from the VM) at ${rate}`, rate, () =>
        measure(vm1.host, to, { bind: vm1.ip }),
      );
      await expectRate(`port ingress (to the VM) at ${rate}`, rate, () =>
        measure(vm1.host, to, { bind: vm1.ip, reverse: true }),
      );
      if (rate === 10) {
        // vm2 shares vm1's leaf, interface, VLAN and namespace, and is not shaped.
        await expectRate(
          'unshaped port beside it, egress',
          rate,
          () => measure(vm1.host, to, { bind: vm('vm2').ip }),
          true,
        );
        await expectRate(
          'unshaped port beside it, ingress',
          rate,
          () => measure(vm1.host, to, { bind: vm('vm2').ip, reverse: true }),
          true,
        );
      }
    }
    // Drift: the shaper towards vm1 removed behind Loom's back (read back with tc -j), repaired.
    const { vrfName } = await portal.vpcs.getVpc({ name: `${TENANT}/vpcs/blue` });
    await tcInVrf('leaf1', vrfName, 'qdisc', 'del', 'dev', `swp1v${vm1.vlan}`, 'root');
    // Its egress shaper (on the ifb) is still there: the port's shaping differs, towards it none.
    expect(await drift()).toEqual([`leaf1 DIFFERENT port-shaping swp1 vlan ${vm1.vlan} ${vm1.ip}`]);
    await repair('a shaper was removed by hand');
    await expectRate('port ingress at 100 after the repair', 100, () =>
      measure(vm1.host, to, { bind: vm1.ip, reverse: true }),
    );
    await done(
      clients().qosPolicies.detachQosPolicy({
        name: PORT_POLICY,
        resource: vm1.name,
        etag: '',
        requestId: '',
      }),
    );
    await expectRate(
      'port after detaching, egress',
      100,
      () => measure(vm1.host, to, { bind: vm1.ip }),
      true,
    );
  }, 120_000);

  it('shapes a floating IP on its gateway node at 10 and 100 Mbit/s each way', async () => {
    const external = manifest.externalHost?.namespace ?? '';
    const { address } = await clients().floatingIps.getFloatingIp({ name: FIP });
    await eventually(30, async () => ((await pings(external, address)) ? true : undefined));
    // The lab's path to a floating IP carries 1450-byte packets (the VPC's VXLAN) and no ICMP
    // "fragmentation needed" makes it back to the external host, so a full-size segment is lost:
    // the transfers use 1400-byte segments (the path MTU minus TCP/IP headers, rounded down).
    const mss = 1400;
    await expectRate(
      'floating IP unshaped, ingress',
      100,
      () => measure(external, address, { mss }),
      true,
    );
    await done(
      clients().qosPolicies.attachQosPolicy({
        name: FIP_POLICY,
        resource: FIP,
        etag: '',
        requestId: '',
      }),
    );
    for (const rate of [10, 100]) {
      if (rate !== 10) await setRate(FIP_POLICY, rate);
      await expectRate(`floating IP ingress (from outside to the VM) at ${rate}`, rate, () =>
        measure(external, address, { mss }),
      );
      await expectRate(`floating IP egress (from the VM to outside) at ${rate}`, rate, () =>
        measure(external, address, { mss, reverse: true }),
      );
    }
    // Drift: the gateway node's shaper towards the VPC changed to 1 Mbit/s by hand, repaired.
    const gw1 = manifest.devices.find((device) => device.name === 'gw1')?.namespace ?? '';
    const { vrfName } = await portal.vpcs.getVpc({ name: `${TENANT}/vpcs/blue` });
    const l3Vni = /(\d+)$/.exec(vrfName)?.[1] ?? '';
    await inNs(
      ...[gw1, 'tc', 'qdisc', 'change', 'dev', `tg${l3Vni}`, 'parent', '1:1', 'handle', '100:'],
      ...['tbf', 'rate', '1mbit', 'burst', '150000', 'latency', '200ms'],
    );
    expect(await drift()).toEqual([`gw1 DIFFERENT floating-ip-shaping ${address}`]);
    await repair('a shaper was changed by hand');
    await expectRate('floating IP ingress at 100 after the repair', 100, () =>
      measure(external, address, { mss }),
    );
  }, 120_000);
});
