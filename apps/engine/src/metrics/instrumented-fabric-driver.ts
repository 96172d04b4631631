import type { FabricDriver, OperationOutcome } from '@loom/fabric';
import type { DeviceOperationLog, DeviceOperationRecord } from './device-operation-log';
import { EngineMetrics } from './engine-metrics';

/**
 * The same driver, with every operation timed from its submit to the first final outcome read
 * (loom_device_operation_duration_seconds) and kept in the device operation log.
 */
export function instrumentFabricDriver(
  driver: FabricDriver,
  metrics: EngineMetrics,
  log: DeviceOperationLog,
): FabricDriver {
  const pending = new Map<string, { record: DeviceOperationRecord; startedAt: number }>();
  const settle = (operationId: string, outcome: OperationOutcome): OperationOutcome => {
    const entry = pending.get(operationId);
    if (!entry || outcome.status === 'running') return outcome;
    pending.delete(operationId);
    const { record, startedAt } = entry;
    const seconds = EngineMetrics.since(startedAt);
    record.outcome = outcome.status;
    record.durationMs = Math.round(seconds * 1000);
    record.message = outcome.status === 'failed' ? `${outcome.reason}: ${outcome.message}` : null;
    metrics.deviceOperationDuration.observe(
      { device: record.device, operation: record.operation, outcome: outcome.status },
      seconds,
    );
    return outcome;
  };
  return {
    async submit(device, operation, idempotencyKey) {
      const startedAt = performance.now();
      const operationId = await driver.submit(device, operation, idempotencyKey);
      if (!pending.has(operationId)) {
        const record: DeviceOperationRecord = {
          device,
          operation: operation.kind,
          idempotencyKey,
          operationId,
          submittedAt: new Date().toISOString(),
          outcome: 'running',
          durationMs: null,
          message: null,
        };
        log.add(record);
        pending.set(operationId, { record, startedAt });
      }
      return operationId;
    },
    async poll(operationId) {
      return settle(operationId, await driver.poll(operationId));
    },
    async await(operationId, timeoutMs) {
      return settle(operationId, await driver.await(operationId, timeoutMs));
    },
    readState: (device) => driver.readState(device),
  };
}
