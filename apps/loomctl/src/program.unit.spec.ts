import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliContext } from './cli/cli-context';
import { buildProgram, runProgram } from './program';

/** The real command tree, parsing real argument lists; nothing here reaches an engine. */
describe('loomctl command line', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loomctl-program-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function loomctl(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const context: CliContext = {
      env: { LOOM_CONFIG: join(dir, 'config.json'), LOOM_DATA_DIR: join(dir, 'data') },
      io: {
        print: (line) => out.push(line),
        warn: (line) => err.push(line),
        setExitCode: () => undefined,
        progressStream: new PassThrough(),
        onInterrupt: () => () => undefined,
      },
    };
    const program = buildProgram(context, () => Promise.resolve(''));
    const code = await runProgram(program, ['node', 'loomctl', ...args], context);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('lists every command group in its help and exits 0', async () => {
    const { code, out } = await loomctl('--help');
    expect(code).toBe(0);
    for (const command of [
      'tenants',
      'vpcs',
      'subnets',
      'ports',
      'operations',
      'watch',
      'login',
      'token',
      'fabric',
      'completion',
    ]) {
      expect(out).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('gives every resource get, list, create, update and delete', async () => {
    for (const group of ['tenants', 'vpcs', 'subnets', 'ports']) {
      const { out } = await loomctl(group, '--help');
      for (const verb of ['create', 'get', 'list', 'update', 'delete']) {
        expect(out).toMatch(new RegExp(`^  ${verb}\\b`, 'm'));
      }
    }
    const { out } = await loomctl('operations', '--help');
    for (const verb of ['get', 'list', 'wait'])
      expect(out).toMatch(new RegExp(`^  ${verb}\\b`, 'm'));
  });

  it.each([
    [['vpcs', 'get', 'tenants/acme/vpcs/blue', '--colour'], "unknown option '--colour'"],
    [
      ['vpcs', 'create', 'tenants/acme/vpcs/blue'],
      "required option '--cidr <block>' not specified",
    ],
    [
      ['vpcs', 'create', 'blue', '--cidr', '10.0.0.0/16'],
      'expected a name like tenants/{tenant}/vpcs/{vpc}',
    ],
    [
      ['vpcs', 'list', 'tenants/acme', '--page-size', '0'],
      'Expected a whole number from 1 to 1000',
    ],
    [['vpcs', 'list', 'tenants/acme', '-o', 'xml'], 'Allowed choices are table, json, yaml, name'],
    [
      [
        'ports',
        'create',
        'tenants/a/vpcs/b/subnets/c/ports/d',
        '--host',
        'h',
        '--leaf-switch',
        'leaf1',
        '--interface',
        'swp1',
        '--kind',
        'container',
      ],
      'Allowed choices are virtual-machine, bare-metal',
    ],
    [
      [
        'ports',
        'create',
        'tenants/a/vpcs/b/subnets/c/ports/d',
        '--host',
        'h',
        '--leaf-switch',
        'leaf1',
        '--interface',
        'swp1',
        '--vlan',
        '5000',
      ],
      'Expected a whole number from 1 to 4094',
    ],
    [
      ['operations', 'wait', 'tenants/acme/operations/op-1', '--timeout', 'soon'],
      'Expected a duration',
    ],
    [['tenants', 'update', 'tenants/acme'], 'nothing to change'],
    [['completion', 'fish'], 'Allowed choices are bash, zsh'],
    [['login'], 'give the token with --token or --token-stdin'],
  ])('refuses %j as a usage error (exit 2) before any call', async (args, message) => {
    const { code, err } = await loomctl(...args);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  it('without a token anywhere exits 26 (UNAUTHENTICATED) and says how to get one', async () => {
    const { code, err } = await loomctl('vpcs', 'get', 'tenants/acme/vpcs/blue');
    expect(code).toBe(26);
    expect(err).toContain('loomctl login');
  });

  it('token mint --save keeps the token in a config file of mode 0600, not on stdout', async () => {
    const { code, out, err } = await loomctl('token', 'mint', '--role', 'portal', '--save');
    expect(code).toBeUndefined();
    expect(out).toBe('');
    expect(err).toContain(join(dir, 'config.json'));
    const path = join(dir, 'config.json');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const { token } = JSON.parse(await readFile(path, 'utf8')) as { token: string };
    expect(token.split('.')).toHaveLength(3);
  });

  it('prints a completion script for bash and zsh', async () => {
    expect((await loomctl('completion', 'bash')).out).toContain('complete -F _loomctl loomctl');
    expect((await loomctl('completion', 'zsh')).out).toContain('bashcompinit');
  });
});
