import type { FabricState, OperationLogEntry } from '@loom/fabric';
import type { IntentRecord } from '../ledger';
import { checkClaims } from './claim-checks';
import { byStream, type LoggedEvent } from './event-log';
import { checkDeviceEffects } from './fabric-checks';
import { checkIntents, checkNothingHalf } from './intent-checks';
import { checkSagas } from './saga-checks';

// The campaign's checks must be able to fail: each is shown a log with one thing wrong.

let position = 0;
const event = (
  stream: string,
  type: string,
  data: Record<string, unknown> = {},
  actor = 'a',
): LoggedEvent => {
  position += 1;
  return { position: String(position), stream, type, data, metadata: { actor } };
};
const op = 'tenants/t/operations/op-1';
const vpcCreated = event('vpc-t/v', 'VpcCreated', {
  tenantId: 't',
  vpcId: 'v',
  routing: { l3Vni: 50000 },
  createdBy: op,
});
const vpcClaims = [
  event('tenant-t', 'TenantQuotaClaimed', { resource: 'vpcs', owner: op }),
  event('vni-pool-l3', 'VniAllocated', { vni: 50000, owner: op }),
];

describe('the chaos round checks', () => {
  it('find a missing claim, an orphaned one and one held twice', () => {
    expect(checkClaims([...vpcClaims, vpcCreated])).toEqual([]);
    expect(checkClaims([vpcClaims[0]!, vpcCreated])).toEqual([
      'vpc-t/v lacks its claim VniAllocated|vni-pool-l3|tenants/t/operations/op-1|50000',
    ]);
    const orphan = event('tenant-t', 'TenantQuotaClaimed', { resource: 'ports', owner: 'op-x' });
    expect(checkClaims([...vpcClaims, vpcCreated, orphan])).toEqual([
      'orphaned claim TenantQuotaClaimed|tenant-t|op-x|ports',
    ]);
    expect(checkClaims([...vpcClaims, vpcClaims[1]!, vpcCreated])[0]).toMatch(/held 2 times/);
  });

  it('find an acknowledged intent missing, a refused one recorded, and one recorded twice', () => {
    const record = (outcome: IntentRecord['outcome']): IntentRecord => ({
      method: 'CreateVpc',
      tenant: 't',
      name: 'tenants/t/vpcs/v',
      requestId: 'r1',
      displayName: undefined,
      issuedAt: 0,
      answeredAt: 0,
      attempts: 1,
      outcome,
      code: 0,
      operation: op,
    });
    const request = [
      event('request-t/r1', 'RequestAccepted'),
      event('request-t/r1', 'RequestSucceeded'),
    ];
    const done = byStream([...request, vpcCreated]);
    expect(checkIntents([record('acked')], done)).toEqual([]);
    expect(checkIntents([record('acked')], byStream([]))[0]).toMatch(/not in the log/);
    expect(checkIntents([record('refused')], done)[0]).toMatch(/refused, yet recorded/);
    expect(
      checkIntents([record('acked')], byStream([...request, vpcCreated, vpcCreated]))[0],
    ).toMatch(/2 creations/);
    expect(checkNothingHalf(byStream([request[0]!]))[0]).toMatch(/request-t\/r1/);
  });

  it('find a saga that never ended and a step finished by a worker that did not start it', () => {
    const started = event('saga-s', 'SagaStepStarted', { step: 'x', attempt: 1 }, 'w1');
    expect(checkSagas(byStream([started])).violations[0]).toMatch(/neither finished nor parked/);
    const stolen = event('saga-s', 'SagaStepSucceeded', { step: 'x', attempt: 1 }, 'w2');
    const end = event('saga-s', 'SagaCompleted');
    expect(checkSagas(byStream([started, stolen, end])).violations).toEqual([
      'saga-s: x#1 started by w1, succeeded by w2',
    ]);
  });

  it('find a device effect applied twice under one key, and effects that do not add up', () => {
    const applied = (key: string): OperationLogEntry =>
      ({
        idempotencyKey: key,
        fault: null,
        outcome: { status: 'succeeded', changed: true },
      }) as never;
    const state = { leaf1: { vrfs: [], l2Vnis: [], prefixes: [] } } as unknown as FabricState;
    const counters = { leaf1: { createVrf: { applied: 1, unchanged: 0, failed: 0 } } };
    const twice = checkDeviceEffects([applied('k'), applied('k')], counters, state);
    expect(twice.violations).toEqual([
      'idempotency key k took effect 2 times',
      'leaf1: createVrf - deleteVrf applied 1, holds 0',
    ]);
  });
});
