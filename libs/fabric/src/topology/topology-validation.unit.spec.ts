import { InvalidTopologyError, type TopologyProblem } from '../errors';
import { defaultTopology } from './default-topology';
import { defaultCapacity } from './topology';
import { parseTopology, validateTopology } from './topology-validation';

function problemsOf(input: unknown): TopologyProblem[] {
  const result = validateTopology(input);
  if (result.ok) throw new Error('expected the topology to be refused');
  return [...result.problems];
}

const leaf = {
  name: 'leaf1',
  role: 'leaf',
  loopback: '10.254.0.1',
  asn: 65101,
  interfaces: ['swp1'],
};

describe('topology validation', () => {
  it('accepts the shipped default: 2 spines, leaf1..leaf4 with swp1..swp48, 2 border leaves', () => {
    expect(parseTopology(JSON.parse(JSON.stringify(defaultTopology)))).toEqual(defaultTopology);
    const byRole = (role: string) =>
      defaultTopology.devices.filter((device) => device.role === role).map((device) => device.name);
    expect(byRole('spine')).toEqual(['spine1', 'spine2']);
    expect(byRole('leaf')).toEqual(['leaf1', 'leaf2', 'leaf3', 'leaf4']);
    expect(byRole('border-leaf')).toEqual(['border1', 'border2']);
    const leaf1 = defaultTopology.devices.find((device) => device.name === 'leaf1')!;
    expect(leaf1.interfaces).toHaveLength(48);
    expect([leaf1.interfaces[0], leaf1.interfaces[47]]).toEqual(['swp1', 'swp48']);
    expect(leaf1.capacity).toEqual({ maxVrfs: 1000, maxL2Vnis: 1024, maxL3Vnis: 512 });
  });

  it('fills in default capacity, partially too, and expands interface ranges', () => {
    const topology = parseTopology({
      devices: [
        { ...leaf, interfaces: ['swp[1-4]', 'eth0'] },
        { ...leaf, name: 'leaf2', loopback: '10.254.0.2', capacity: { maxL3Vnis: 2 } },
        { name: 'spine1', role: 'spine', loopback: '10.254.0.101', asn: 65100 },
      ],
    });
    expect(topology.devices[0]).toEqual({
      ...leaf,
      interfaces: ['swp1', 'swp2', 'swp3', 'swp4', 'eth0'],
      capacity: defaultCapacity,
    });
    expect(topology.devices[1]!.capacity).toEqual({ ...defaultCapacity, maxL3Vnis: 2 });
    expect(topology.devices[2]!.interfaces).toEqual([]);
  });

  it('reports every problem of a document at once, each with its path and code', () => {
    const problems = problemsOf({
      devices: [
        leaf,
        { ...leaf, loopback: '10.254.0.300' },
        { ...leaf, name: 'leaf3', role: 'router', loopback: '10.254.0.1' },
        { name: 'leaf4', role: 'leaf', loopback: '10.254.0.4', asn: 0, interfaces: [] },
        { name: 'leaf5', role: 'border-leaf', loopback: '10.254.0.5', asn: 65105 },
        {
          ...leaf,
          name: 'leaf6',
          loopback: '10.254.0.6',
          interfaces: ['swp1', 'swp1', '1bad'],
          lopback: 'x',
        },
        { ...leaf, name: 'leaf 7', loopback: '10.254.0.7', capacity: { maxVrfs: -1, maxVlans: 3 } },
        { role: 'spine' },
        'spine2',
      ],
      name: 'lab',
    });
    expect(problems.map(({ path, code }) => `${path} ${code}`).sort()).toEqual(
      [
        'devices[1].loopback bad-address',
        'devices[1].name duplicate-name',
        'devices[2].role unknown-role',
        'devices[2].loopback duplicate-address',
        'devices[3].asn bad-asn',
        'devices[3].interfaces no-interfaces',
        'devices[4].interfaces no-interfaces',
        'devices[5].interfaces duplicate-interface',
        'devices[5].interfaces bad-interface',
        'devices[5].lopback unknown-field',
        'devices[6].name bad-name',
        'devices[6].capacity.maxVrfs bad-capacity',
        'devices[6].capacity.maxVlans unknown-field',
        'devices[7].name missing-field',
        'devices[7].loopback missing-field',
        'devices[7].asn missing-field',
        'devices[8] bad-type',
        'name unknown-field',
      ].sort(),
    );
    expect(problems.every((problem) => problem.message.length > 0)).toBe(true);
  });

  it('needs at least one leaf, and a devices array at all', () => {
    expect(
      problemsOf({ devices: [{ name: 's', role: 'spine', loopback: '10.0.0.1', asn: 1 }] }),
    ).toEqual([expect.objectContaining({ path: 'devices', code: 'no-leaves' })]);
    expect(problemsOf({})).toEqual([
      expect.objectContaining({ path: 'devices', code: 'missing-field' }),
    ]);
    expect(problemsOf([])).toEqual([expect.objectContaining({ path: '', code: 'bad-type' })]);
    expect(problemsOf({ devices: [{ ...leaf, interfaces: ['swp[9-2]'] }] })).toEqual([
      expect.objectContaining({ code: 'bad-interface' }),
      expect.objectContaining({ code: 'no-interfaces' }),
    ]);
  });

  it('throws a typed error carrying the problems from parseTopology', () => {
    let thrown: unknown;
    try {
      parseTopology({ devices: [{ ...leaf, role: 'router' }] }, 'fabric.json');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidTopologyError);
    const error = thrown as InvalidTopologyError;
    expect(error.code).toBe('invalid-topology');
    expect(error.problems.map((problem) => problem.code)).toEqual(['unknown-role', 'no-leaves']);
    expect(error.message).toMatch(
      /^fabric\.json: invalid fabric topology: devices\[0\]\.role: "router" is not one of/,
    );
  });
});
