import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  fabricLabDown,
  gatewayLabPrerequisites,
  openFrrFabric,
  vtysh,
  vtyshJson,
  type LabDevice,
  type LabManifest,
} from '@loom/fabric';
import { describeFabricDriverContract } from '@loom/fabric/testing';

const exec = promisify(execFile);

// The contract's lab has a gateway node: its NAT needs nftables.
const missing = gatewayLabPrerequisites();
const required = process.env['LOOM_REQUIRE_FRR'] === '1';
if (missing.length > 0 && !required) {
  console.warn(
    `SKIPPED fabric driver contract on FRR: ${missing.join('; ')} (set LOOM_REQUIRE_FRR=1 to fail instead)`,
  );
}
const suite = missing.length > 0 && !required ? describe.skip : describe;

async function ip(...args: string[]): Promise<string> {
  return (await exec('ip', args)).stdout;
}

/** Every namespace whose name starts with `prefix`. */
async function namespaces(prefix: string): Promise<string[]> {
  return (await ip('netns', 'list'))
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(prefix));
}

/** `ip` inside the leaf's FRR mount namespace, where its VRF namespaces are. */
async function inLeafDaemons(leaf: LabDevice, ...args: string[]): Promise<string> {
  const zebra = (await readFile(join(leaf.frrDir, 'zebra.pid'), 'utf8')).trim();
  const command = ['--target', zebra, '--mount', '--net', '--', 'ip', ...args];
  return (await exec('nsenter', command)).stdout;
}

function linkSummary(json: string): string[] {
  const links = JSON.parse(json || '[]') as {
    ifname: string;
    master?: string;
    linkinfo?: { info_kind?: string };
  }[];
  return links
    .map((link) => `${link.ifname}:${link.linkinfo?.info_kind ?? ''}:${link.master ?? ''}`)
    .sort();
}

/** What readState does not show: the leaf's links and VRF namespaces, FRR's configuration. */
async function leafSnapshot(leaf: LabDevice): Promise<Record<string, unknown>> {
  const vrfs: Record<string, string[]> = {};
  const vrfNames = (await inLeafDaemons(leaf, 'netns', 'list'))
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name !== '')
    .sort();
  for (const vrf of vrfNames) {
    vrfs[vrf] = linkSummary(await inLeafDaemons(leaf, '-n', vrf, '-j', '-d', 'link', 'show'));
  }
  return {
    links: linkSummary(await ip('-n', leaf.namespace, '-j', '-d', 'link', 'show')),
    vrfs,
    config: await vtysh(leaf, 'show running-config'),
    vnis: Object.keys(await vtyshJson<Record<string, unknown>>(leaf, 'show evpn vni json')).sort(),
    hosts: await namespaces(`${leaf.namespace}-`),
  };
}

function leafOf(manifest: LabManifest, name: string): LabDevice {
  const leaf = manifest.devices.find((device) => device.name === name);
  if (!leaf) throw new Error(`no leaf ${name} in the lab`);
  return leaf;
}

/**
 * The fabric driver contract on a real FRRouting lab: one spine, two leaves and a gateway node
 * (with the upstream router and external host a gateway node brings) in network namespaces, built in a fresh directory (its namespaces carry a hash of that directory, so they
 * never meet another lab's) and torn down at the end.
 */
suite('FRR lab driver', () => {
  describeFabricDriverContract(
    'FRR lab',
    async (topology) => {
      if (missing.length > 0) {
        throw new Error(
          `LOOM_REQUIRE_FRR=1 but this machine cannot run the lab: ${missing.join('; ')}`,
        );
      }
      // The frr user must reach the lab directory: a world-searchable one of its own.
      const workDir = await mkdtemp(join(tmpdir(), 'loom-frr-contract-'));
      await chmod(workDir, 0o755);
      const labDir = join(workDir, 'lab');
      const close = async () => {
        await fabricLabDown(labDir);
        await rm(workDir, { recursive: true, force: true });
      };
      try {
        const fabric = await openFrrFabric({ topology, labDir });
        const { manifest } = fabric;
        return {
          driver: fabric,
          // Something else holds the name of the VXLAN device a new L2 VNI needs: the bind fails
          // after it has made the L2 VNI's bridge, and must take the bridge back.
          failPartWay: async (device, operation) => {
            const leaf = leafOf(manifest, device);
            const squatter = `vx${operation.l2Vni}`;
            await ip('-n', leaf.namespace, 'link', 'add', squatter, 'type', 'bridge');
            return async () => {
              await ip('-n', leaf.namespace, 'link', 'delete', squatter);
            };
          },
          deviceSnapshot: (device) => leafSnapshot(leafOf(manifest, device)),
          close: async () => {
            await close();
            const left = await namespaces(manifest.prefix);
            if (left.length > 0) throw new Error(`the lab left namespaces: ${left.join(', ')}`);
          },
        };
      } catch (error) {
        await close();
        throw error;
      }
    },
    {
      partWayFailureReason: 'rejected',
      gatewayNodes: true,
      serviceNodes: true,
      operationTimeoutMs: 30_000,
      testTimeoutMs: 120_000,
      openTimeoutMs: 120_000,
    },
  );
});
