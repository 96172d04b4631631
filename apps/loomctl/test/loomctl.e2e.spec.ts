import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Operation, Port, ResourceChange, Subnet, Tenant, Vpc } from '@loom/api-contract';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import { freePort } from '../../../test/support/free-port';
import {
  ensureLoomctlBuilt,
  runLoomctl,
  startLoomctl,
  type LoomctlResult,
} from './loomctl-process';

const VPC = 'tenants/acme/vpcs/blue';
const SUBNET = `${VPC}/subnets/web`;
const PORT = `${SUBNET}/ports/vm1`;

/** Every loomctl command group, run as a process against a started engine. */
describe('loomctl against a running engine', () => {
  let engine: TestEngine;
  let home: string;
  let env: Record<string, string>;

  const loomctl = (...args: string[]): Promise<LoomctlResult> => runLoomctl(args, env);
  const json = (result: LoomctlResult): unknown => {
    expect(result).toMatchObject({ code: 0 });
    return JSON.parse(result.stdout);
  };

  beforeAll(async () => {
    [engine] = await Promise.all([startTestEngine(), ensureLoomctlBuilt()]);
    home = await mkdtemp(join(tmpdir(), 'loomctl-e2e-'));
    env = {
      HOME: home,
      LOOM_CONFIG: join(home, 'loom', 'config.json'),
      LOOM_SERVER: engine.address,
      LOOM_DATA_DIR: engine.dataDir,
    };
  }, 300_000); // the first loomctl call may build it
  afterAll(async () => {
    await engine.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('has no token at first: UNAUTHENTICATED, exit 26, and says how to get one', async () => {
    const result = await loomctl('tenants', 'list');
    expect(result.code).toBe(26);
    expect(result.stderr).toContain('loomctl login');
  });

  it('token mint --save keeps a portal token in a config file of mode 0600', async () => {
    const result = await loomctl('token', 'mint', '--role', 'portal', '--save');
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect((await stat(env['LOOM_CONFIG']!)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, 'loom'))).mode & 0o777).toBe(0o700);
  });

  it('login checks a token with the engine before saving it (mode 0600)', async () => {
    const config = join(home, 'login', 'config.json');
    const minted = await loomctl('token', 'mint', '--role', 'auditor', '--subject', 'audrey');
    const login = await runLoomctl(
      ['login', '--token-stdin'],
      { ...env, LOOM_CONFIG: config },
      {
        stdin: minted.stdout,
      },
    );
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('as audrey (role auditor');
    expect((await stat(config)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(config, 'utf8'))).toEqual({ token: minted.stdout.trim() });

    const forged = `${minted.stdout.trim().slice(0, -4)}AAAA`;
    const refused = await runLoomctl(['login', '--token', forged], {
      ...env,
      LOOM_CONFIG: join(home, 'refused', 'config.json'),
    });
    expect(refused.code).toBe(26);
    await expect(stat(join(home, 'refused', 'config.json'))).rejects.toThrow('ENOENT');
  });

  it('tenants: create, get, list, update (quota read, changed and sent back), delete', async () => {
    const created = await loomctl(
      'tenants',
      'create',
      'tenants/acme',
      '--display-name',
      'Acme',
      '--quota-vpcs',
      '5',
      '--quota-subnets',
      '10',
      '--quota-ports',
      '50',
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^quota +vpcs 5, subnets 10, ports 50, floating_ips 0$/m);

    const tenant = json(await loomctl('tenants', 'get', 'tenants/acme', '-o', 'json')) as Tenant;
    expect(tenant).toMatchObject({ name: 'tenants/acme', displayName: 'Acme', etag: '"1"' });

    const updated = json(
      await loomctl('tenants', 'update', 'tenants/acme', '--quota-ports', '40', '-o', 'json'),
    ) as Tenant;
    expect(updated.quota).toEqual({ vpcs: 5, subnets: 10, ports: 40, floatingIps: 0 });

    const stale = await loomctl(
      'tenants',
      'update',
      'tenants/acme',
      '--display-name',
      'x',
      '--etag',
      tenant.etag,
    );
    expect(stale.code).toBe(20); // ABORTED: the etag read before the quota change
    expect(stale.stderr).toContain('ABORTED');

    await loomctl('tenants', 'create', 'tenants/gone', '--quota-vpcs', '1');
    expect((await loomctl('tenants', 'list', '-o', 'name')).stdout.split('\n')).toEqual(
      expect.arrayContaining(['tenants/acme', 'tenants/gone']),
    );
    expect(await loomctl('tenants', 'delete', 'tenants/gone')).toMatchObject({
      code: 0,
      stdout: 'deleted tenants/gone\n',
    });
    expect((await loomctl('tenants', 'get', 'tenants/gone')).code).toBe(15);
  });

  it('vpcs create waits until the VPC is READY; --no-wait answers with the operation', async () => {
    const created = await loomctl('vpcs', 'create', VPC, '--cidr', '10.0.0.0/16');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^state +READY$/m);
    expect(created.stdout).toMatch(/^l3_vni +5\d{4}$/m);

    const operation = json(
      await loomctl(
        'vpcs',
        'create',
        'tenants/acme/vpcs/green',
        '--cidr',
        '10.1.0.0/16',
        '--no-wait',
        '-o',
        'json',
      ),
    ) as Operation;
    expect(operation).toMatchObject({ verb: 'create', target: 'tenants/acme/vpcs/green' });
    expect(operation.name).toMatch(/^tenants\/acme\/operations\//);

    const waited = json(
      await loomctl('operations', 'wait', operation.name, '-o', 'json'),
    ) as Operation;
    expect(waited).toMatchObject({ name: operation.name, done: true, error: null });
    expect(waited.endTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await loomctl('operations', 'get', operation.name)).stdout).toMatch(/^done +true$/m);
    expect((await loomctl('operations', 'list', 'tenants/acme', '-o', 'name')).stdout).toContain(
      operation.name,
    );
  });

  it('vpcs list pages: one page and a hint to go on, or --all', async () => {
    const first = await loomctl('vpcs', 'list', 'tenants/acme', '--page-size', '1');
    expect(first.code).toBe(0);
    expect(first.stdout.split('\n')[0]).toMatch(/^NAME +CIDR BLOCKS +L3 VNI +VRF +STATE +AGE$/);
    expect(first.stderr).toMatch(/more: --page-token \S+/);
    const token = /--page-token (\S+)/.exec(first.stderr)![1]!;
    const second = json(
      await loomctl(
        'vpcs',
        'list',
        'tenants/acme',
        '--page-size',
        '1',
        '--page-token',
        token,
        '-o',
        'json',
      ),
    ) as { vpcs: Vpc[] };
    const all = json(
      await loomctl('vpcs', 'list', 'tenants/acme', '--page-size', '1', '--all', '-o', 'json'),
    ) as { vpcs: Vpc[]; nextPageToken: string };
    expect(all.vpcs.map((vpc) => vpc.name)).toEqual([VPC, 'tenants/acme/vpcs/green']);
    expect(all.nextPageToken).toBe('');
    expect(second.vpcs.map((vpc) => vpc.name)).toEqual(['tenants/acme/vpcs/green']);
  });

  it('a create retried with its request id changes nothing twice', async () => {
    const requestId = randomUUID();
    const create = () =>
      loomctl(
        'vpcs',
        'create',
        'tenants/acme/vpcs/once',
        '--cidr',
        '10.2.0.0/16',
        '--request-id',
        requestId,
        '-o',
        'json',
      );
    const first = json(await create()) as Vpc;
    const again = json(await create()) as Vpc;
    expect(again).toEqual(first);
    const other = await loomctl(
      'vpcs',
      'create',
      'tenants/acme/vpcs/once',
      '--cidr',
      '10.2.0.0/16',
    );
    expect(other.code).toBe(16); // ALREADY_EXISTS: a new request id is a new request
  });

  it('subnets: create waits, get prints YAML, update changes the display name', async () => {
    expect((await loomctl('subnets', 'create', SUBNET, '--cidr', '10.0.1.0/24')).code).toBe(0);
    const yaml = await loomctl('subnets', 'get', SUBNET, '-o', 'yaml');
    expect(yaml.code).toBe(0);
    expect(parseYaml(yaml.stdout)).toMatchObject({
      name: SUBNET,
      cidr: '10.0.1.0/24',
      gatewayIp: '10.0.1.1',
      state: 'READY',
    });
    const updated = json(
      await loomctl('subnets', 'update', SUBNET, '--display-name', 'Web tier', '-o', 'json'),
    ) as Subnet;
    expect(updated.displayName).toBe('Web tier');
  });

  it('ports: create waits until the port is ACTIVE on its leaf', async () => {
    const created = await loomctl(
      'ports',
      'create',
      PORT,
      '--host',
      'hv-1',
      '--leaf-switch',
      'leaf1',
      '--interface',
      'swp7',
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^status +ACTIVE$/m);
    const list = await loomctl('ports', 'list', SUBNET);
    expect(list.stdout).toMatch(
      /^tenants\/acme\/vpcs\/blue\/subnets\/web\/ports\/vm1 +VIRTUAL_MACHINE +10\.0\.1\.\d+ +\S+ +leaf1 +swp7 +\d+ +ACTIVE /m,
    );
    const port = json(await loomctl('ports', 'get', PORT, '-o', 'json')) as Port;
    expect(port).toMatchObject({
      status: 'ACTIVE',
      binding: { host: 'hv-1', leafSwitch: 'leaf1', interface: 'swp7' },
    });
  });

  it('external networks, a VPC external gateway and a floating IP on the port', async () => {
    const NET = 'externalNetworks/internet';
    const created = await loomctl(
      'external-networks',
      'create',
      NET,
      '--pool',
      '203.0.113.0/28',
      '--gateway-node',
      'gw1',
      '--gateway-node',
      'gw2',
      '--upstream-peer',
      '198.51.100.1:64500',
    );
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toMatch(/^upstream_peers +198\.51\.100\.1 AS64500$/m);
    expect((await loomctl('external-networks', 'list', '-o', 'name')).stdout).toBe(`${NET}\n`);
    expect(
      (
        await loomctl(
          'external-networks',
          'create',
          NET,
          '--pool',
          '203.0.113.16/28',
          '--gateway-node',
          'gw1',
          '--upstream-peer',
          'nowhere',
        )
      ).code,
    ).toBe(2);
    const renamed = json(
      await loomctl('external-networks', 'update', NET, '--display-name', 'Internet', '-o', 'json'),
    ) as { displayName: string };
    expect(renamed.displayName).toBe('Internet');

    const gateway = await loomctl('external-gateways', 'create', VPC, '--external-network', NET);
    expect(gateway).toMatchObject({ code: 0 });
    expect(gateway.stdout).toMatch(/^status +EXTERNAL_GATEWAY_ACTIVE$/m);
    expect((await loomctl('external-gateways', 'list', 'tenants/acme')).stdout).toMatch(
      /^tenants\/acme\/vpcs\/blue\/externalGateway +externalNetworks\/internet +203\.0\.113\.\d+ +172\.16\./m,
    );
    const FIP = 'tenants/acme/floatingIps/web';
    expect(
      (await loomctl('tenants', 'update', 'tenants/acme', '--quota-floating-ips', '2')).code,
    ).toBe(0);
    const fip = await loomctl('floating-ips', 'create', FIP, '--external-network', NET);
    expect(fip).toMatchObject({ code: 0, stderr: '' });
    const associated = await loomctl('floating-ips', 'associate', FIP, PORT, '-o', 'json');
    expect(json(associated)).toMatchObject({ port: PORT, status: 'FLOATING_IP_ACTIVE' });
    expect((await loomctl('floating-ips', 'disassociate', FIP)).code).toBe(0);
    expect((await loomctl('floating-ips', 'delete', FIP)).code).toBe(0);
    expect((await loomctl('external-gateways', 'delete', VPC)).code).toBe(0);
    expect(await loomctl('external-networks', 'delete', NET)).toMatchObject({
      code: 0,
      stdout: `deleted ${NET}\n`,
    });
    expect((await loomctl('external-networks', 'get', NET)).code).toBe(15);
  });

  it('watch streams changes as JSON lines until Ctrl-C (exit 130), or until --timeout (exit 0)', async () => {
    const watch = startLoomctl(['watch', 'tenants/acme', '-o', 'json'], env);
    // The stream carries changes from when it is set up on: change until one shows, bounded.
    const deadline = Date.now() + 30_000;
    for (let round = 0; !watch.stdout().includes('"UPDATED"') && Date.now() < deadline; round++) {
      await loomctl('ports', 'update', PORT, '--display-name', `round ${round}`);
    }
    watch.child.kill('SIGINT');
    const stopped = await watch.exited;
    expect(stopped.code).toBe(130);
    const changes = stopped.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ResourceChange);
    expect(changes.length).toBeGreaterThan(0);
    expect(changes).toContainEqual(
      expect.objectContaining({
        type: 'UPDATED',
        resourceName: PORT,
        port: expect.objectContaining({ name: PORT }),
      }),
    );

    const timed = await loomctl('watch', 'tenants/acme', '--timeout', '1s');
    expect(timed.code).toBe(0);
  });

  it('exit statuses follow the gRPC status: NOT_FOUND 15, INVALID_ARGUMENT 13, UNAUTHENTICATED 26, PERMISSION_DENIED 17, UNAVAILABLE 24', async () => {
    const missing = await loomctl('vpcs', 'get', 'tenants/acme/vpcs/nope');
    expect(missing).toMatchObject({ code: 15, stdout: '' });
    expect(missing.stderr).toContain('NOT_FOUND');

    const invalid = await loomctl(
      'subnets',
      'create',
      `${VPC}/subnets/bad`,
      '--cidr',
      '10.0.0.0/99',
    );
    expect(invalid.code).toBe(13);
    expect(invalid.stderr).toContain('INVALID_ARGUMENT');
    expect(invalid.stderr).toContain('subnet.cidr');

    const unauthenticated = await loomctl('vpcs', 'list', 'tenants/acme', '--token', 'not.a.token');
    expect(unauthenticated.code).toBe(26);

    const auditor = (await loomctl('token', 'mint', '--role', 'auditor')).stdout.trim();
    const denied = await runLoomctl(
      ['vpcs', 'create', 'tenants/acme/vpcs/red', '--cidr', '10.9.0.0/16'],
      {
        ...env,
        LOOM_TOKEN: auditor,
      },
    );
    expect(denied.code).toBe(17);

    const nowhere = await loomctl('tenants', 'list', '--server', `127.0.0.1:${await freePort()}`);
    expect(nowhere.code).toBe(24);
    expect(nowhere.stderr).toContain('is the engine running at');

    const usage = await loomctl('vpcs', 'get', 'acme/blue');
    expect(usage.code).toBe(2);
  });

  it('fabric drift finds the engine through LOOM_SERVER too', async () => {
    const drift = await loomctl('fabric', 'drift');
    expect(drift.code).toBe(0);
  });

  it('deletes wait until the resource is gone, innermost first', async () => {
    expect(await loomctl('ports', 'delete', PORT)).toMatchObject({
      code: 0,
      stdout: `deleted ${PORT}\n`,
    });
    expect((await loomctl('ports', 'get', PORT)).code).toBe(15);
    const refused = await loomctl('vpcs', 'delete', VPC);
    expect(refused.code).toBe(19); // FAILED_PRECONDITION: it still has a subnet
    expect((await loomctl('subnets', 'delete', SUBNET)).code).toBe(0);
    const operation = json(
      await loomctl('vpcs', 'delete', VPC, '--no-wait', '-o', 'json'),
    ) as Operation;
    expect(operation).toMatchObject({ verb: 'delete', target: VPC });
    expect((await loomctl('operations', 'wait', operation.name)).code).toBe(0);
    expect((await loomctl('vpcs', 'get', VPC)).code).toBe(15);
  });

  it('prints its shell completion', async () => {
    const completion = await loomctl('completion', 'bash');
    expect(completion.code).toBe(0);
    expect(completion.stdout).toContain('complete -F _loomctl loomctl');
  });
});
