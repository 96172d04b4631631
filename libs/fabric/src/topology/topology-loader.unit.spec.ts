import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidTopologyError } from '../errors';
import { defaultTopology } from './default-topology';
import { loadTopology, loadTopologyFile } from './topology-loader';

const document = {
  devices: [
    { name: 'leaf1', role: 'leaf', loopback: '10.254.0.1', asn: 65101, interfaces: ['swp[1-2]'] },
  ],
};

async function rejection(promise: Promise<unknown>): Promise<InvalidTopologyError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(InvalidTopologyError);
  return error as InvalidTopologyError;
}

describe('topology loader', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'loom-topology-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('uses the default topology when none is configured', async () => {
    await expect(loadTopology(undefined)).resolves.toBe(defaultTopology);
    await expect(loadTopology('  ')).resolves.toBe(defaultTopology);
  });

  it('loads and validates a JSON file', async () => {
    const path = join(directory, 'fabric.json');
    await writeFile(path, JSON.stringify(document));
    const topology = await loadTopology(path);
    expect(topology.devices[0]!.interfaces).toEqual(['swp1', 'swp2']);
  });

  it('names the file and the problem for unreadable, malformed and invalid files', async () => {
    const missing = await rejection(loadTopologyFile(join(directory, 'absent.json')));
    expect(missing.problems[0]!.code).toBe('unreadable');
    expect(missing.source).toBe(join(directory, 'absent.json'));

    const broken = join(directory, 'broken.json');
    await writeFile(broken, '{"devices": [');
    expect((await rejection(loadTopologyFile(broken))).problems[0]!.code).toBe('bad-syntax');

    const invalid = join(directory, 'invalid.json');
    await writeFile(invalid, JSON.stringify({ devices: [{ ...document.devices[0], asn: 'x' }] }));
    const error = await rejection(loadTopologyFile(invalid));
    expect(error.problems.map((problem) => problem.path)).toEqual(['devices[0].asn']);
    expect(error.message).toContain(invalid);
  });

  it('reads YAML files, and names the problem in a malformed one', async () => {
    const path = join(directory, 'fabric.yaml');
    await writeFile(
      path,
      'devices:\n  - name: leaf1\n    role: leaf\n    loopback: 10.254.0.1\n    asn: 65101\n    interfaces: [swp1]\n',
    );
    await expect(loadTopologyFile(path)).resolves.toMatchObject({ devices: [{ name: 'leaf1' }] });
    const broken = join(directory, 'broken.yml');
    await writeFile(broken, 'devices: [\n');
    expect((await rejection(loadTopologyFile(broken))).problems[0]!.code).toBe('bad-syntax');
  });
});
