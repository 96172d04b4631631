import type { Change, StateDiff } from '@loom/api-contract';
import { changeDetails, changesTable, diffLines, parseInstant } from './audit-views';
import { formatVerification } from './audit-verify.view';

const change = (overrides: Partial<Change> = {}): Change => ({
  position: '65536',
  time: { seconds: '1764720000', nanos: 0 },
  actor: 'tenant:bob',
  role: 'tenant',
  subject: 'bob',
  action: 'PortService/DeletePort',
  kind: 'port',
  resource: 'tenants/acme/vpcs/blue/subnets/web/ports/p2',
  eventType: 'PortDeleted',
  requestId: '',
  correlationId: 'c1',
  changes: [
    { field: 'status', beforeJson: '"ACTIVE"', afterJson: '' },
    { field: 'fixedIp', beforeJson: '"10.0.1.3"', afterJson: '' },
  ],
  ...overrides,
});

describe('loomctl audit views', () => {
  it('reads an instant as a log position or an RFC 3339 time, and refuses anything else', () => {
    expect(parseInstant('1234')).toEqual({ position: '1234' });
    expect(parseInstant('2026-12-03T01:02:03.250Z')).toEqual({
      time: { seconds: '1796259723', nanos: 250_000_000 },
    });
    expect(() => parseInstant('yesterday')).toThrow(/neither a log position nor an RFC 3339 time/);
  });

  it('lists changes as a table, and every field before and after with --details', () => {
    expect(changesTable([change()])).toEqual([
      'TIME                  POSITION  WHO         ACTION                  RESOURCE                                     EVENT        CHANGED',
      '2025-12-03T00:00:00Z  65536     tenant:bob  PortService/DeletePort  tenants/acme/vpcs/blue/subnets/web/ports/p2  PortDeleted  status,fixedIp',
    ]);
    expect(changesTable([])).toContain('(none)');
    expect(changeDetails([change()])).toEqual([
      '2025-12-03T00:00:00Z tenant:bob PortService/DeletePort PortDeleted tenants/acme/vpcs/blue/subnets/web/ports/p2',
      '    status: "ACTIVE" -> (none)',
      '    fixedIp: "10.0.1.3" -> (none)',
    ]);
  });

  it('shows a diff as added, removed and changed lines', () => {
    const diff: StateDiff = {
      fromPosition: '10',
      toPosition: '20',
      added: [{ kind: 'vpc', name: 'tenants/acme/vpcs/red', fieldsJson: '{"displayName":"red"}' }],
      removed: [
        { kind: 'port', name: 'tenants/acme/vpcs/blue/subnets/web/ports/p2', fieldsJson: '{}' },
      ],
      changed: [
        {
          kind: 'tenant',
          name: 'tenants/acme',
          changes: [{ field: 'usage', beforeJson: '{"ports":2}', afterJson: '{"ports":1}' }],
        },
      ],
    };
    expect(diffLines(diff)).toEqual([
      'from position 10 to 20',
      '+ vpc tenants/acme/vpcs/red {"displayName":"red"}',
      '- port tenants/acme/vpcs/blue/subnets/web/ports/p2',
      '~ tenant tenants/acme',
      '    usage: {"ports":2} -> {"ports":1}',
    ]);
    expect(diffLines({ ...diff, added: [], removed: [], changed: [] })).toEqual([
      'from position 10 to 20',
      '(no change)',
    ]);
  });

  it('says whether the log is intact, what it vouches for, and each problem', () => {
    const lines = formatVerification({
      intact: false,
      events: 12,
      lastPosition: 900n,
      checkpointsMatched: 2,
      lastCheckpoint: { position: 800n, count: 8, head: 'a'.repeat(64) },
      unsealed: 4,
      storedCheckpoints: 3,
      problems: [
        {
          kind: 'mismatch',
          after: 400n,
          through: 600n,
          expected: { count: 6, head: 'b'.repeat(64) },
          actual: { count: 5, head: 'c'.repeat(64) },
        },
        { kind: 'truncated', lastPosition: 900n, checkpoint: 1000n, missingAtLeast: 3 },
      ],
    });
    expect(lines).toEqual([
      'LOG           TAMPERED',
      'EVENTS        12 (4 after the last checkpoint, not yet sealed)',
      'CHECKPOINTS   3 stored, 2 matched',
      'SEALED UP TO  position 800 (8 events)',
      '',
      'PROBLEM    WHERE                  DETAIL',
      'changed    after 400 through 600  sealed 6 events, found 5 that hash differently',
      'truncated  after 900              the log ends before checkpoint 1000: at least 3 events missing',
    ]);
  });
});
