import { DeviceOperationLog, type DeviceOperationRecord } from './device-operation-log';

const record = (sequence: number): DeviceOperationRecord => ({
  device: 'leaf1',
  operation: 'bindL2Vni',
  idempotencyKey: `saga-${sequence % 7}:bind-port`,
  operationId: `op-${sequence}`,
  submittedAt: new Date(0).toISOString(),
  outcome: 'succeeded',
  durationMs: 1,
  message: null,
});

describe('DeviceOperationLog', () => {
  it('keeps the newest 10,000 to 11,000 operations, in submission order', () => {
    const log = new DeviceOperationLog();
    for (let sequence = 1; sequence <= 25_000; sequence += 1) log.add(record(sequence));
    const ofOneSaga = log.ofSaga('saga-3');
    const ids = ofOneSaga.map((entry) => Number(entry.operationId.slice('op-'.length)));
    // 25,000 adds: trimmed to 10,000 at 22,000, then 3,000 more.
    expect(ids.at(-1)).toBe(25_000);
    expect(ids[0]).toBeGreaterThan(25_000 - 11_000);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ofOneSaga.length).toBeGreaterThanOrEqual(Math.floor(10_000 / 7));
  });
});
