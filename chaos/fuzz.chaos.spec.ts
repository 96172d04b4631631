import { status } from '@grpc/grpc-js';
import { startTestEngine, type TestEngine } from '../test/support/engine-harness';
import { createTenantSubnet } from '../test/support/network-fixtures';
import { externalNetwork } from './access/access-table';
import { fuzzCases, type FuzzCase } from './fuzz/fuzz-plan';
import { queryRows } from './support/checks/event-log';
import { recordFigures } from './support/figures';
import { residentMiB } from './support/process-memory';
import { chaosProfile } from './support/profile';
import { runSeed } from './support/random';
import { callJson, loadLoomRoot, newRawClient, rawCall, type CallResult } from './support/raw-api';
import { reflectedMethods } from './support/reflected-api';

const profile = chaosProfile();
const seed = runSeed();
const concurrency = 4;
/**
 * The engine's heap grows to its working size over the first few thousand requests (the long run
 * of docs/reliability.md: 145 to 236 MiB in the first 4,500, then 188 to 236 for the remaining
 * 95,500), so a 5,000-request run is all warm-up: there it checks a ceiling only. From 30 samples
 * (15,000 requests) on it also checks that the last third does not stand above the first.
 */
const rssCeilingMiB = 400;
const trendSamples = 30;
const samplingEvery = 500;

/** Medians of the first and last thirds (a GC spike is not a trend), and the peak. */
function memoryTrend(samples: readonly number[]): { early: number; late: number; peak: number } {
  const third = Math.max(1, Math.floor(samples.length / 3));
  const median = (values: readonly number[]): number =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return {
    early: median(samples.slice(0, third)),
    late: median(samples.slice(-third)),
    peak: Math.max(0, ...samples),
  };
}

/** The request as JSON (cut short), to replay a failing case. */
function describeCase(fuzz: FuzzCase): string {
  try {
    const type = loadLoomRoot().lookupType(fuzz.method.inputType);
    return JSON.stringify(type.toObject(type.decode(fuzz.body), { longs: String })).slice(0, 400);
  } catch {
    return `${fuzz.body.length} bytes ${fuzz.body.subarray(0, 32).toString('hex')}`;
  }
}

describe(`fuzzing every method from its descriptor (${profile.fuzz.requests} requests, seed ${seed})`, () => {
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startTestEngine();
    const portal = await engine.clientsAs('portal');
    await createTenantSubnet(portal, { vpcs: 50, subnets: 50, ports: 50 });
    await createTenantSubnet(portal, { vpcs: 5, subnets: 5, ports: 5 }, 'globex');
    await callJson(
      engine.address,
      'loom.v1.ExternalNetworkService/CreateExternalNetwork',
      { external_network_id: 'ext', external_network: externalNetwork },
      await engine.token('portal'),
    );
  });
  afterAll(async () => {
    await engine.stop();
  });

  it('answers every request within its deadline, never INTERNAL, writes nothing for a refused one, and its memory stays bounded (flat over a long run)', async () => {
    const methods = (await reflectedMethods(engine.address)).filter((m) => !m.clientStreaming);
    const root = loadLoomRoot();
    const tokens = {
      portal: await engine.token('portal'),
      tenant: await engine.token('tenant', 'acme'),
    };
    const clients = Array.from({ length: concurrency }, () =>
      newRawClient(engine.address, { 'grpc.max_send_message_length': 64 * 1024 * 1024 }),
    );
    const pid = engine.process.child.pid ?? 0;
    const memory: number[] = [];
    const violations: string[] = [];
    /** Refused calls by correlation id, with what was sent. */
    const refused = new Map<string, string>();
    const codes: Record<string, number> = {};
    const cases = fuzzCases(methods, root, profile.fuzz.requests, seed);
    let sent = 0;
    const judge = (fuzz: FuzzCase, result: CallResult, id: string): void => {
      const name = status[result.code] ?? String(result.code);
      codes[name] = (codes[name] ?? 0) + 1;
      const what = `${fuzz.method.id} (${fuzz.kind}, ${id}): ${name} ${result.details.slice(0, 160)} <- ${describeCase(fuzz)}`;
      // A stream the client itself ended (its deadline, or enough messages read) was answered,
      // not refused: an export cut short that way is still recorded, as every export is.
      const endedByClient =
        fuzz.method.serverStreaming && (name === 'DEADLINE_EXCEEDED' || name === 'CANCELLED');
      if (name !== 'OK' && !endedByClient) refused.set(id, what);
      if (name === 'INTERNAL' || name === 'UNKNOWN') violations.push(what);
      if (name === 'DEADLINE_EXCEEDED' && !fuzz.method.serverStreaming) {
        violations.push(`hang: ${what}`);
      }
      if (fuzz.kind === 'oversized' && name !== 'RESOURCE_EXHAUSTED') {
        violations.push(`oversized not RESOURCE_EXHAUSTED: ${what}`);
      }
    };
    await Promise.all(
      clients.map(async (client) => {
        for (let next = cases.next(); !next.done; next = cases.next()) {
          const fuzz = next.value;
          sent += 1;
          const id = `fuzz-${sent}`;
          const result = await rawCall(client, fuzz.method, fuzz.body, {
            token: tokens[fuzz.caller],
            deadlineMs: fuzz.method.serverStreaming ? 300 : 10_000,
            maxMessages: 3,
            correlationId: id,
          });
          judge(fuzz, result, id);
          if (sent % samplingEvery === 0) memory.push(residentMiB(pid));
        }
      }),
    );
    for (const client of clients) client.close();
    const written = await queryRows<{ correlation: string; events: string }>(
      await engine.databaseUrl(),
      `SELECT metadata->>'correlationId' AS correlation, count(*) AS events FROM event_store.events
       WHERE metadata->>'correlationId' LIKE 'fuzz-%' GROUP BY 1`,
    );
    const writtenByRefused = written
      .filter((row) => refused.has(row.correlation))
      .map((row) => ({ ...row, call: refused.get(row.correlation) }));
    const { early, late, peak } = memoryTrend(memory);
    recordFigures('fuzz', {
      seed,
      requests: sent,
      methods: methods.length,
      codes,
      intentsWritten: written.length,
      rssMiB: { early, late, peak, samples: memory },
      violations: violations.length,
    });
    expect(violations.slice(0, 30)).toEqual([]);
    expect(writtenByRefused).toEqual([]);
    expect(sent).toBe(profile.fuzz.requests);
    // Bounded in every profile; flat where the run is long enough to see past V8's warm-up.
    expect(peak).toBeLessThan(rssCeilingMiB);
    if (memory.length >= trendSamples) expect(late - early).toBeLessThan(64);
  });
});
