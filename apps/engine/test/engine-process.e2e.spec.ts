import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine, type EngineProcess } from '../../../test/support/engine-process';
import { freePort } from '../../../test/support/free-port';

interface Listener {
  readonly address: string;
  readonly port: number;
}

/** Listening TCP sockets, from the kernel's own tables (what `ss -ltn` reads). */
async function listeningSockets(): Promise<Listener[]> {
  const sockets: Listener[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.trim().split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || local === undefined) continue; // 0A: LISTEN
      const [hex = '', portHex = ''] = local.split(':');
      sockets.push({ address: decodeAddress(hex), port: parseInt(portHex, 16) });
    }
  }
  return sockets;
}

/** /proc/net/tcp addresses are in host byte order, 32 bits at a time (little-endian here). */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse());
  if (bytes.length === 4) return bytes.map((byte) => parseInt(byte, 16)).join('.');
  const groups = [];
  for (let index = 0; index < 16; index += 2) {
    groups.push(`${bytes[index] ?? '00'}${bytes[index + 1] ?? '00'}`.replace(/^0+(?=.)/, ''));
  }
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Resolves once the engine has logged nothing for `quietMs` (its start is over). */
async function quiet(engine: EngineProcess, quietMs = 750): Promise<void> {
  let length = -1;
  while (engine.output().length !== length) {
    length = engine.output().length;
    await new Promise((wake) => setTimeout(wake, quietMs));
  }
}

describe('the engine process', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let grpcPort: number;
  let httpPort: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loom-process-'));
    grpcPort = await freePort();
    httpPort = await freePort();
    // The defaults but for the ports, which other tests may hold: no LOOM_GRPC_HOST or _HTTP_HOST.
    env = {
      LOOM_DATA_DIR: dataDir,
      LOOM_EMBEDDED_PG_PORT: String(await freePort()),
      LOOM_GRPC_PORT: String(grpcPort),
      LOOM_HTTP_PORT: String(httpPort),
    };
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('listens on loopback only by default, and says so in its ready line', async () => {
    const engine = startEngine(env);
    try {
      expect(await engine.waitForLog('Loom engine ready', 30_000)).toMatchObject({
        grpc: `127.0.0.1:${grpcPort}`,
        http: `127.0.0.1:${httpPort}`,
      });
      const engineSockets = (await listeningSockets()).filter(
        ({ port }) => port === grpcPort || port === httpPort,
      );
      expect(engineSockets.map(({ port }) => port).sort()).toEqual([grpcPort, httpPort].sort());
      expect(engineSockets.map(({ address }) => address)).toEqual(['127.0.0.1', '127.0.0.1']);
      const response = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
      expect(response.status).toBe(200);
    } finally {
      await engine.stop('SIGTERM');
    }
  });

  it.each([
    ['SIGTERM, as an orchestrator stops it', 'SIGTERM', false],
    ['Ctrl-C: SIGINT to its whole process group, as a terminal sends it', 'SIGINT', true],
  ] as const)(
    'stops on %s: two lines, no warning, exit status 0',
    async (_how, signal, toGroup) => {
      const engine = startEngine(env, { ownProcessGroup: toGroup });
      await engine.waitForLog('Loom engine ready', 30_000);
      await quiet(engine);
      const before = engine.output().length;
      const pid = engine.child.pid ?? 0;
      process.kill(toGroup ? -pid : pid, signal);
      expect(await engine.stop('SIGCONT')).toBe(0);

      const lines = engine.output().slice(before).trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(JSON.parse(lines[0] ?? '')).toMatchObject({
        level: 30,
        msg: 'Loom engine stopping',
        signal,
      });
      expect(JSON.parse(lines[1] ?? '')).toMatchObject({
        level: 30,
        msg: 'Loom engine stopped',
        signal,
        grpc: 'drained',
      });
    },
  );
});
