import fc from 'fast-check';
import type { JsonObject, JsonValue } from '@loom/event-store';
import type { SagaEvent } from '@loom/sagas';
import { auditedStream, parseActor, streamOfResource } from './audited-stream';
import { canonicalJson, diffSnapshots, fieldChanges, type ResourceView } from './network-snapshot';
import { traceSaga } from './saga-trace';

const id = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);

describe('audited streams', () => {
  it('name every network stream as its resource, and back', () => {
    fc.assert(
      fc.property(id, id, id, id, (t, v, s, p) => {
        const cases: [string, string, string][] = [
          [`tenant-${t}`, 'tenant', `tenants/${t}`],
          [`vpc-${t}/${v}`, 'vpc', `tenants/${t}/vpcs/${v}`],
          [`subnet-${t}/${v}/${s}`, 'subnet', `tenants/${t}/vpcs/${v}/subnets/${s}`],
          [`port-${t}/${v}/${s}/${p}`, 'port', `tenants/${t}/vpcs/${v}/subnets/${s}/ports/${p}`],
          [`operation-${t}/${v}`, 'operation', `tenants/${t}/operations/${v}`],
          [
            `external-gateway-${t}/${v}`,
            'external-gateway',
            `tenants/${t}/vpcs/${v}/externalGateway`,
          ],
          [`floating-ip-${t}/${s}`, 'floating-ip', `tenants/${t}/floatingIps/${s}`],
        ];
        for (const [stream, kind, resource] of cases) {
          expect(auditedStream(stream)).toEqual({ kind, tenant: t, resource });
          expect(streamOfResource(resource)).toEqual({ kind, stream });
        }
      }),
    );
  });

  it('names external networks and drift repairs, which belong to no tenant', () => {
    fc.assert(
      fc.property(id, (n) => {
        expect(auditedStream(`external-network-${n}`)).toEqual({
          kind: 'external-network',
          resource: `externalNetworks/${n}`,
        });
        expect(streamOfResource(`externalNetworks/${n}`)).toEqual({
          kind: 'external-network',
          stream: `external-network-${n}`,
        });
        expect(auditedStream(`fabric-repair-${n}`)).toEqual({
          kind: 'fabric-repair',
          resource: `fabric/repairs/${n}`,
        });
      }),
    );
    expect(auditedStream('transfer-pool').kind).toBe('other');
    expect(auditedStream('external-network-a/b').kind).toBe('other');
  });

  it('leaves pools, sagas and unknown streams out of any tenant', () => {
    expect(auditedStream('vni-pool-l3')).toEqual({ kind: 'other', resource: 'vni-pool-l3' });
    expect(auditedStream('leaf-vlans-leaf1').kind).toBe('other');
    expect(auditedStream('saga-abc')).toEqual({ kind: 'saga', resource: 'sagas/abc' });
    expect(auditedStream('vpc-acme')).toEqual({ kind: 'other', resource: 'vpc-acme' });
    expect(streamOfResource('tenants/acme/vpcs')).toBeUndefined();
    expect(streamOfResource('projects/x')).toBeUndefined();
  });

  it('reads role and subject from the recorded actor', () => {
    expect(parseActor('tenant:bob')).toEqual({ role: 'tenant', subject: 'bob' });
    expect(parseActor('ops:a:b')).toEqual({ role: 'ops', subject: 'a:b' });
    expect(parseActor('loom:port-fabric-outcomes')).toEqual({
      role: 'system',
      subject: 'loom:port-fabric-outcomes',
    });
    expect(parseActor(undefined)).toEqual({ role: '', subject: '' });
  });
});

describe('diffs', () => {
  const json = fc.jsonValue().map((value) => value as JsonValue);
  const fields = fc
    .dictionary(fc.constantFrom('a', 'b', 'c', 'd'), json)
    .map((value) => value as JsonObject);

  it('finds no change between equal fields, whatever their key order', () => {
    fc.assert(
      fc.property(fields, (value) => {
        const reordered = Object.fromEntries(Object.entries(value).reverse());
        expect(fieldChanges(value, reordered)).toEqual([]);
      }),
    );
  });

  it('lists exactly the fields whose values differ, with both sides', () => {
    fc.assert(
      fc.property(fields, fields, (before, after) => {
        const changes = fieldChanges(before, after);
        for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
          const differs = canonicalJson(before[key]) !== canonicalJson(after[key]);
          const change = changes.find((entry) => entry.field === key);
          expect(change !== undefined).toBe(differs);
          if (change) {
            expect(change.before).toEqual(before[key]);
            expect(change.after).toEqual(after[key]);
          }
        }
      }),
    );
  });

  it('sorts resources into added, removed and changed', () => {
    const view = (name: string, fields: ResourceView['fields']): [string, ResourceView] => [
      name,
      { kind: 'vpc', name, fields },
    ];
    const from = new Map([view('a', { x: 1 }), view('b', { x: 1 }), view('c', { x: 1 })]);
    const to = new Map([view('b', { x: 2 }), view('c', { x: 1 }), view('d', { x: 1 })]);
    const diff = diffSnapshots(from, to);
    expect(diff.added.map((entry) => entry.name)).toEqual(['d']);
    expect(diff.removed.map((entry) => entry.name)).toEqual(['a']);
    expect(diff.changed).toEqual([
      { kind: 'vpc', name: 'b', changes: [{ field: 'x', before: 1, after: 2 }] },
    ]);
  });
});

describe('saga traces', () => {
  const plan = (name: string) => ({
    name,
    timeoutMs: 1,
    retry: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 1 },
    compensationTimeoutMs: 1,
    compensationRetry: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 1 },
  });

  it('shows each step’s attempts and compensations with their idempotency keys and outcomes', () => {
    const events: SagaEvent[] = [
      {
        type: 'SagaStarted',
        data: {
          sagaId: 's1',
          sagaType: 'provision-port',
          resourceKey: 'leaf/leaf1',
          input: {},
          steps: [plan('create-vrf'), plan('bind-port')],
          startedAt: 't0',
        },
      },
      {
        type: 'SagaStepStarted',
        data: {
          step: 'create-vrf',
          attempt: 1,
          idempotencyKey: 's1:create-vrf',
          compensationIdempotencyKey: 's1:create-vrf:compensate',
          startedAt: 't1',
        },
      },
      {
        type: 'SagaStepSucceeded',
        data: { step: 'create-vrf', attempt: 1, result: { vrf: 'blue' }, at: 't2' },
      },
      {
        type: 'SagaStepStarted',
        data: {
          step: 'bind-port',
          attempt: 1,
          idempotencyKey: 's1:bind-port',
          compensationIdempotencyKey: 's1:bind-port:compensate',
          startedAt: 't3',
        },
      },
      {
        type: 'SagaStepFailed',
        data: {
          step: 'bind-port',
          attempt: 1,
          cause: 'error',
          reason: 'leaf full',
          errorKind: 'resource-exhausted',
          retryAt: null,
          at: 't4',
        },
      },
      {
        type: 'SagaCompensationStarted',
        data: {
          step: 'create-vrf',
          attempt: 1,
          idempotencyKey: 's1:create-vrf:compensate',
          startedAt: 't5',
        },
      },
      { type: 'SagaStepCompensated', data: { step: 'create-vrf', attempt: 1, at: 't6' } },
    ];
    const trace = traceSaga('s1', events);
    expect(trace).toMatchObject({
      sagaType: 'provision-port',
      resourceKey: 'leaf/leaf1',
      status: 'compensating',
    });
    expect(trace.steps).toEqual([
      {
        step: 'create-vrf',
        skipped: false,
        attempts: [
          {
            attempt: 1,
            idempotencyKey: 's1:create-vrf',
            startedAt: 't1',
            outcome: 'succeeded',
            endedAt: 't2',
            result: { vrf: 'blue' },
          },
        ],
        compensations: [
          {
            attempt: 1,
            idempotencyKey: 's1:create-vrf:compensate',
            startedAt: 't5',
            outcome: 'succeeded',
            endedAt: 't6',
          },
        ],
      },
      {
        step: 'bind-port',
        skipped: false,
        attempts: [
          {
            attempt: 1,
            idempotencyKey: 's1:bind-port',
            startedAt: 't3',
            outcome: 'failed',
            endedAt: 't4',
            reason: 'leaf full',
            errorKind: 'resource-exhausted',
          },
        ],
        compensations: [],
      },
    ]);
  });
});
