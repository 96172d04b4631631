import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { loadOrCreateSigningKey, mintToken, type SigningKey } from '@loom/access';
import { startEngine, type EngineProcess } from '../test/support/engine-process';
import { freePort } from '../test/support/free-port';
import { createLoomClients } from '../test/support/grpc-client';
import { createTenantSubnet, finished, boundPortBody } from '../test/support/network-fixtures';
import { accessTable } from './access/access-table';
import { recordFigures } from './support/figures';
import { loadLoomRoot, newRawClient, rawCall } from './support/raw-api';
import { reflectedMethods } from './support/reflected-api';
import { fileModes, leaks, secretsOf } from './support/secret-scan';
import { hostileTokens, oversizedToken } from './tokens/hostile-tokens';

describe('secrets and hostile tokens (the engine on its embedded defaults, logging at debug)', () => {
  let dataDir: string;
  let engine: EngineProcess;
  let address: string;
  let key: SigningKey;
  const tokensUsed: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loom-chaos-secrets-'));
    address = `127.0.0.1:${await freePort()}`;
    engine = startEngine({
      LOOM_DATA_DIR: dataDir,
      LOOM_EMBEDDED_PG_PORT: String(await freePort()),
      LOOM_GRPC_HOST: '127.0.0.1',
      LOOM_GRPC_PORT: address.split(':')[1] ?? '',
      LOOM_HTTP_PORT: String(await freePort()),
      LOOM_LOG_LEVEL: 'debug',
    });
    await engine.waitForLog('Loom engine ready', 60_000);
    // The engine made its keys itself; the test reads the token key as loomctl would.
    key = await loadOrCreateSigningKey(dataDir);
  });
  afterAll(async () => {
    await engine.stop('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  });

  const token = async (role: 'portal' | 'tenant' | 'ops' | 'auditor', tenant?: string) => {
    const minted = await mintToken(key, { role, tenant, subject: `chaos-${role}`, ttl: '1h' });
    tokensUsed.push(minted);
    return minted;
  };

  it('refuses every hostile token as UNAUTHENTICATED, on every method, within its deadline', async () => {
    const portal = createLoomClients(address, await token('portal'));
    await createTenantSubnet(portal, { vpcs: 2, subnets: 2, ports: 4 });
    await finished(
      portal,
      await portal.ports.createPort({
        parent: 'tenants/acme/vpcs/f/subnets/a',
        portId: 'p',
        port: boundPortBody('leaf1'),
        requestId: '',
      }),
    );
    portal.close();
    const methods = await reflectedMethods(address);
    const tokens = await hostileTokens(key);
    tokensUsed.push(...Object.values(tokens));
    const client = newRawClient(address);
    const answers: Record<string, string[]> = {};
    let calls = 0;
    for (const [name, hostile] of [...Object.entries(tokens), ['no token', undefined] as const]) {
      const codes = new Set<string>();
      for (const method of methods) {
        const result = await rawCall(client, method, Buffer.alloc(0), {
          token: hostile,
          deadlineMs: 5_000,
          maxMessages: 1,
        });
        calls += 1;
        const code = status[result.code] ?? String(result.code);
        codes.add(code === 'UNAUTHENTICATED' ? code : `${code}: ${result.details}`);
      }
      answers[name] = [...codes];
    }
    // A token over the HTTP/2 header limit never reaches the engine: the stream is reset, and
    // the engine goes on answering (the next call on the same connection is refused as usual).
    const [first] = methods;
    if (!first) throw new Error('no methods');
    const oversized = await rawCall(client, first, Buffer.alloc(0), {
      token: oversizedToken(),
      deadlineMs: 5_000,
    });
    expect(oversized.details).toContain('RST_STREAM');
    const after = await rawCall(client, first, Buffer.alloc(0), {
      token: 'x.y.z',
      deadlineMs: 5_000,
    });
    expect(status[after.code]).toBe('UNAUTHENTICATED');
    client.close();
    recordFigures('hostileTokens', { tokens: Object.keys(answers).length, calls });
    expect(answers).toEqual(
      Object.fromEntries(Object.keys(answers).map((name) => [name, ['UNAUTHENTICATED']])),
    );
  });

  it('writes no token, private key or database password in any log line at debug level, after every method was called by every role', async () => {
    const root = loadLoomRoot();
    const client = newRawClient(address);
    const roles = {
      portal: await token('portal'),
      tenant: await token('tenant', 'acme'),
      ops: await token('ops'),
      auditor: await token('auditor'),
    };
    const target = { tenant: 'acme', operation: 'tenants/acme/operations/op-x', requestId: '' };
    for (const method of await reflectedMethods(address)) {
      const row = accessTable[method.id];
      if (!row) continue;
      const type = root.lookupType(method.inputType);
      const body = Buffer.from(type.encode(type.fromObject(row.request(target))).finish());
      for (const roleToken of Object.values(roles)) {
        await rawCall(client, method, body, {
          token: roleToken,
          deadlineMs: 3_000,
          maxMessages: 1,
        });
      }
    }
    client.close();
    await engine.stop('SIGTERM');
    const output = engine.output();
    const secrets = await secretsOf(dataDir);
    const tokenParts = Object.fromEntries(
      tokensUsed
        .flatMap((used, index) => [
          [`token ${index}`, used],
          [`token ${index} signature`, used.split('.')[2] ?? ''],
        ])
        .filter(([, part]) => (part ?? '').length >= 8),
    ) as Record<string, string>;
    const lines = output.split('\n').length;
    const debugLines = output.split('\n').filter((line) => line.includes('"level":20')).length;
    recordFigures('secrets', { logLines: lines, debugLines, tokensSearched: tokensUsed.length });
    expect(debugLines).toBeGreaterThan(0);
    expect(leaks(output, { ...secrets, ...tokenParts })).toEqual({});
    expect(await fileModes(dataDir)).toEqual({
      'jwt-signing-key.json': '600',
      'audit-signing-key.json': '600',
      'page-token-key': '600',
      'postgres-credentials.json': '600',
    });
  });
});
