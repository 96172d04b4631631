import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import { ensureLoomctlBuilt, repoRoot } from './loomctl-process';
import { quickstartCommands } from './readme-quickstart';

/**
 * README.md's Quickstart, run exactly as written: its `npm start` is this test's engine (the
 * built engine on free ports, as `npm start` runs it); every other line runs as one bash script
 * from the repository folder, as a newcomer's second terminal would, with a fresh HOME.
 */
describe('the README Quickstart', () => {
  let engine: TestEngine;
  let home: string;

  beforeAll(async () => {
    [engine] = await Promise.all([startTestEngine(), ensureLoomctlBuilt()]);
    home = await mkdtemp(join(tmpdir(), 'loom-quickstart-'));
  }, 300_000); // the first loomctl call may build it
  afterAll(async () => {
    await engine.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('goes from npm start to a VPC with a subnet and an ACTIVE port with loomctl only', async () => {
    const [start, ...commands] = quickstartCommands(
      await readFile(join(repoRoot, 'README.md'), 'utf8'),
    );
    expect(start).toMatch(/^npm start\b/);
    for (const line of commands) expect(line).toMatch(/^(loomctl |export PATH=)/);

    const run = await bash(commands.join('\n'), {
      HOME: home,
      // Where `npm start` would have put them: ./.loom and port 50051; this engine's instead.
      LOOM_DATA_DIR: engine.dataDir,
      LOOM_SERVER: engine.address,
    });
    if (run.code !== 0)
      throw new Error(`the Quickstart failed (exit ${String(run.code)}):\n${run.output}`);
    expect(run.stdout).toMatch(/\/ports\/vm1 .* ACTIVE /);

    const auditor = await engine.clientsAs('auditor');
    const [vpc] = (
      await auditor.vpcs.listVpcs({ parent: 'tenants/acme', pageSize: 0, pageToken: '' })
    ).vpcs;
    const [subnet] = (
      await auditor.subnets.listSubnets({ parent: vpc!.name, pageSize: 0, pageToken: '' })
    ).subnets;
    const [port] = (
      await auditor.ports.listPorts({ parent: subnet!.name, pageSize: 0, pageToken: '' })
    ).ports;
    expect(vpc!.state).toBe('READY');
    expect(subnet!.state).toBe('READY');
    expect(port!.status).toBe('ACTIVE');
  });
});

/** `bash -e -x -c script` from the repository folder, killed after 5 minutes. */
function bash(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-e', '-x', '-c', script], {
      cwd: repoRoot,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, output });
    });
  });
}
