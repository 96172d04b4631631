import fc from 'fast-check';
import { createHash } from 'node:crypto';
import type { ChainedEvent } from './chained-event';
import { encodeChainedEvent } from './chained-event';
import { ChainVerifier, type ChainReport } from './chain-verifier';
import { extendChain, foldChain, genesis, type ChainHead, type ChainLinkHash } from './hash-chain';

const sha256: ChainLinkHash = (previous, encoded) =>
  createHash('sha256').update(previous).update(encoded).digest('hex');

const eventArbitrary = fc.record({
  id: fc.uuid(),
  stream: fc.string({ minLength: 1, maxLength: 12 }),
  revision: fc.nat(50),
  type: fc.constantFrom('VpcCreated', 'PortCreated', 'SagaStarted'),
  schemaVersion: fc.integer({ min: 1, max: 3 }),
  data: fc.json(),
  metadata: fc.json(),
  recordedAtMicros: fc.bigInt({ min: 0n, max: 10n ** 16n }).map(String),
});

/** A log: events at strictly increasing (not dense) positions. */
const logArbitrary = fc
  .array(fc.tuple(eventArbitrary, fc.bigInt({ min: 1n, max: 1n << 20n })), {
    minLength: 1,
    maxLength: 40,
  })
  .map((rows) => {
    let position = 0n;
    return rows.map(([event, gap]): ChainedEvent => {
      position += gap;
      return { ...event, position };
    });
  });

/** Checkpoints of the untouched log after the events at these indexes (and always the last). */
function checkpointsOf(log: readonly ChainedEvent[], every: number): ChainHead[] {
  const heads: ChainHead[] = [];
  let chain = genesis;
  log.forEach((event, index) => {
    chain = extendChain(chain, event, sha256);
    if ((index + 1) % every === 0 || index === log.length - 1) heads.push(chain);
  });
  return heads;
}

function verify(log: readonly ChainedEvent[], checkpoints: readonly ChainHead[]): ChainReport {
  const verifier = new ChainVerifier(checkpoints, sha256);
  for (const event of log) verifier.accept(event);
  return verifier.finish();
}

/** Renumbers a changed list of events so positions stay increasing (as a forger would). */
function renumber(events: readonly ChainedEvent[], like: readonly ChainedEvent[]): ChainedEvent[] {
  return events.map((event, index) => ({
    ...event,
    position: like[index]?.position ?? (like.at(-1)?.position ?? 0n) + BigInt(index + 1),
  }));
}

describe('hash chain', () => {
  it('encodes two different events differently, whatever their fields hold', () => {
    fc.assert(
      fc.property(eventArbitrary, eventArbitrary, fc.bigInt({ min: 1n }), (a, b, position) => {
        const left = { ...a, position };
        const right = { ...b, position };
        fc.pre(JSON.stringify({ ...a }) !== JSON.stringify({ ...b }));
        expect(encodeChainedEvent(left)).not.toBe(encodeChainedEvent(right));
      }),
    );
  });

  it('does not let one field spill into the next', () => {
    const base = {
      position: 1n,
      id: 'a',
      revision: 0,
      type: 'T',
      schemaVersion: 1,
      data: '{}',
      metadata: '{}',
      recordedAtMicros: '0',
    };
    expect(encodeChainedEvent({ ...base, stream: 'ab', id: 'c' })).not.toBe(
      encodeChainedEvent({ ...base, stream: 'a', id: 'bc' }),
    );
  });

  it('refuses an event that does not follow the chain in position order', () => {
    fc.assert(
      fc.property(logArbitrary, (log) => {
        const chain = foldChain(genesis, log, sha256);
        const last = log.at(-1)!;
        expect(() => extendChain(chain, last, sha256)).toThrow(RangeError);
      }),
    );
  });
});

describe('ChainVerifier', () => {
  it('finds an untouched log intact, with every checkpoint matched and nothing unsealed', () => {
    fc.assert(
      fc.property(logArbitrary, fc.integer({ min: 1, max: 10 }), (log, every) => {
        const checkpoints = checkpointsOf(log, every);
        const report = verify(log, checkpoints);
        expect(report.problems).toEqual([]);
        expect(report.intact).toBe(true);
        expect(report.events).toBe(log.length);
        expect(report.checkpointsMatched).toBe(checkpoints.length);
        expect(report.unsealed).toBe(0);
      }),
    );
  });

  it('counts events after the last checkpoint as unsealed, not as tampering', () => {
    fc.assert(
      fc.property(logArbitrary, fc.nat(10), (log, extra) => {
        const sealedPart = log.slice(0, Math.max(1, log.length - extra));
        const report = verify(log, checkpointsOf(sealedPart, 3));
        expect(report.intact).toBe(true);
        expect(report.unsealed).toBe(log.length - sealedPart.length);
      }),
    );
  });

  it('detects any change to any field of any sealed event', () => {
    fc.assert(
      fc.property(
        logArbitrary,
        fc.nat(),
        fc.constantFrom('id', 'stream', 'type', 'data', 'metadata', 'recordedAtMicros'),
        fc.string({ minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (log, which, field, suffix, every) => {
          const checkpoints = checkpointsOf(log, every);
          const index = which % log.length;
          const tampered = log.map((event, i) =>
            i === index ? { ...event, [field]: `${event[field]}${suffix}` } : event,
          );
          const report = verify(tampered, checkpoints);
          expect(report.intact).toBe(false);
          const problem = report.problems[0]!;
          expect(problem.kind).toBe('mismatch');
          if (problem.kind === 'mismatch') {
            expect(problem.after < log[index]!.position).toBe(true);
            expect(problem.through >= log[index]!.position).toBe(true);
          }
        },
      ),
    );
  });

  it('detects a changed revision, schema version or position', () => {
    fc.assert(
      fc.property(logArbitrary, fc.nat(), (log, which) => {
        const checkpoints = checkpointsOf(log, 2);
        const index = which % log.length;
        const event = log[index]!;
        for (const changed of [
          { ...event, revision: event.revision + 1 },
          { ...event, schemaVersion: event.schemaVersion + 1 },
          { ...event, position: event.position + 1n },
        ]) {
          const tampered = log.map((original, i) => (i === index ? changed : original));
          const next = log[index + 1];
          fc.pre(next === undefined || changed.position < next.position);
          expect(verify(tampered, checkpoints).intact).toBe(false);
        }
      }),
    );
  });

  it('detects a deleted event', () => {
    fc.assert(
      fc.property(logArbitrary, fc.nat(), fc.integer({ min: 1, max: 5 }), (log, which, every) => {
        const index = which % log.length;
        const tampered = log.filter((_, i) => i !== index);
        expect(verify(tampered, checkpointsOf(log, every)).intact).toBe(false);
      }),
    );
  });

  it('detects an inserted event before the last checkpoint', () => {
    fc.assert(
      fc.property(logArbitrary, eventArbitrary, fc.nat(), (log, extra, which) => {
        const index = which % log.length;
        const before = index === 0 ? 0n : log[index - 1]!.position;
        const at = log[index]!.position;
        fc.pre(at - before > 1n);
        const inserted: ChainedEvent = { ...extra, position: before + 1n };
        const tampered = [...log.slice(0, index), inserted, ...log.slice(index)];
        expect(verify(tampered, checkpointsOf(log, 4)).intact).toBe(false);
      }),
    );
  });

  it('detects two events swapped, by content or by position', () => {
    fc.assert(
      fc.property(logArbitrary, fc.nat(), fc.nat(), (log, a, b) => {
        const i = a % log.length;
        const j = b % log.length;
        fc.pre(
          i !== j &&
            encodeChainedEvent({ ...log[i]!, position: 0n }) !==
              encodeChainedEvent({ ...log[j]!, position: 0n }),
        );
        const swapped = [...log];
        [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
        expect(verify(renumber(swapped, log), checkpointsOf(log, 3)).intact).toBe(false);
      }),
    );
  });

  it('detects a log cut short against a checkpoint kept elsewhere', () => {
    fc.assert(
      fc.property(logArbitrary, fc.integer({ min: 1, max: 40 }), (log, cut) => {
        fc.pre(cut <= log.length);
        const saved = foldChain(genesis, log, sha256);
        const kept = log.slice(0, log.length - cut);
        // The attacker also deleted every stored checkpoint past the cut: only the saved one is left.
        const report = verify(kept, [saved]);
        expect(report.intact).toBe(false);
        expect(report.problems).toContainEqual(
          expect.objectContaining({ kind: 'truncated', checkpoint: saved.position }),
        );
      }),
    );
  });

  it('reports every damaged range, going on from each checkpoint', () => {
    const log = Array.from({ length: 30 }, (_, i): ChainedEvent => ({
      position: BigInt((i + 1) * 10),
      id: `e${i}`,
      stream: 's',
      revision: i,
      type: 'T',
      schemaVersion: 1,
      data: '{}',
      metadata: '{}',
      recordedAtMicros: '0',
    }));
    const checkpoints = checkpointsOf(log, 10);
    const tampered = log.map((event, i) =>
      i === 3 || i === 25 ? { ...event, data: '{"x":1}' } : event,
    );
    const report = verify(tampered, checkpoints);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'mismatch', after: 0n, through: 100n }),
      expect.objectContaining({ kind: 'mismatch', after: 200n, through: 300n }),
    ]);
    expect(report.checkpointsMatched).toBe(1);
  });

  it('reports two signed checkpoints that disagree', () => {
    const report = verify(
      [],
      [
        { position: 5n, count: 1, head: 'a'.repeat(64) },
        { position: 5n, count: 1, head: 'b'.repeat(64) },
      ],
    );
    expect(report.problems).toContainEqual({ kind: 'conflicting-checkpoints', position: 5n });
  });
});
