import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import { grpcErrorOf } from '../../../test/support/grpc-errors';

/** Not a google.protobuf.Timestamp: nanos outside 0-999,999,999. */
const badTime = { seconds: '1764000000', nanos: -1 };
const goodTime = { seconds: '1764000000', nanos: 0 };
const listRequest = {
  tenant: '',
  resource: '',
  actor: '',
  requestId: '',
  correlationId: '',
  eventType: '',
  startTime: null,
  endTime: null,
  oldestFirst: false,
  pageSize: 0,
  pageToken: '',
};

/** ExportEvents is a stream: its refusal arrives as the stream's error. */
function exportAll(c: LoomClients, startTime: unknown, endTime: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = c.auditExport.exportEvents({
      tenant: '',
      afterPosition: '0',
      startTime: startTime as never,
      endTime: endTime as never,
    });
    stream.on('error', reject);
    stream.on('data', () => undefined);
    stream.on('end', () => {
      resolve();
    });
  });
}

/** [method and what is wrong, the call, the request field the violation must name]. */
function cases(c: LoomClients): [string, () => Promise<unknown>, string][] {
  return [
    [
      'ListChanges: a bad start_time',
      () => c.audit.listChanges({ ...listRequest, startTime: badTime, endTime: goodTime }),
      'start_time',
    ],
    [
      'ListChanges: a bad end_time',
      () => c.audit.listChanges({ ...listRequest, startTime: goodTime, endTime: badTime }),
      'end_time',
    ],
    ['ExportEvents: a bad start_time', () => exportAll(c, badTime, goodTime), 'start_time'],
    ['ExportEvents: a bad end_time', () => exportAll(c, goodTime, badTime), 'end_time'],
    [
      'GetStateAt: a bad at.time',
      () => c.audit.getStateAt({ name: 'tenants/acme', at: { time: badTime } }),
      'at.time',
    ],
    [
      'DiffStates: a bad from.time',
      () =>
        c.audit.diffStates({
          name: 'tenants/acme',
          from: { time: badTime },
          to: { time: goodTime },
        }),
      'from.time',
    ],
    [
      'DiffStates: a bad to.time',
      () =>
        c.audit.diffStates({
          name: 'tenants/acme',
          from: { time: goodTime },
          to: { time: badTime },
        }),
      'to.time',
    ],
    // Found by the chaos fuzzer: a NUL character failed in PostgreSQL's text as INTERNAL.
    [
      'ListChanges: a correlation_id with a NUL character',
      () => c.audit.listChanges({ ...listRequest, correlationId: '\ufffd4\u0000' }),
      'correlation_id',
    ],
    [
      'ListChanges: an actor with a NUL character',
      () => c.audit.listChanges({ ...listRequest, actor: 'portal:\u0000' }),
      'actor',
    ],
    [
      'TraceCall: a request_id with a NUL character',
      () => c.audit.traceCall({ requestId: '\u0000', tenant: '' }),
      'request_id',
    ],
  ];
}

describe('audit requests with a bad time or filter name the request’s field', () => {
  let engine: TestEngine;
  let auditor: LoomClients;

  beforeAll(async () => {
    engine = await startTestEngine();
    auditor = await engine.clientsAs('auditor');
  });
  afterAll(async () => {
    await engine.stop();
  });

  it.each(cases({} as LoomClients).map(([label], index) => [label, index] as const))(
    'answers %s with INVALID_ARGUMENT naming the field',
    async (_label, index) => {
      const [, call, field] = cases(auditor)[index]!;
      const error = await grpcErrorOf(call());
      expect(error.codeName).toBe('INVALID_ARGUMENT');
      expect(error.badRequest?.fieldViolations.map((violation) => violation.field)).toEqual([
        field,
      ]);
    },
  );
});
