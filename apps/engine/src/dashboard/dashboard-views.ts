import {
  carriesTenants,
  emptyDeviceState,
  type DeviceState,
  type FabricDifference,
  type FabricDriver,
  type FabricTopology,
} from '@loom/fabric';
import {
  type FabricDriftService,
  type FabricRepair,
  intendedFabricState,
  type NetworkServices,
} from '@loom/network';
import type { ProjectionRunner } from '@loom/projections';
import type { Sagas, SagaSummary } from '@loom/sagas';
import type { DeviceOperationLog } from '../metrics/device-operation-log';
import type { EngineMetrics } from '../metrics/engine-metrics';

export interface DashboardDependencies {
  readonly sagas: Sagas;
  readonly metrics: EngineMetrics;
  readonly projections: ProjectionRunner;
  readonly drift: FabricDriftService;
  readonly driver: FabricDriver;
  readonly topology: FabricTopology;
  readonly network: NetworkServices;
  readonly deviceOperations: DeviceOperationLog;
}

interface ApiSample {
  readonly at: number;
  readonly total: number;
  readonly errors: number;
}

const rateWindowMs = 60_000;
/** How the audit trail names a repair asked for on the dashboard (gRPC methods look the same). */
const dashboardRepairMethod = 'Dashboard/RepairDevice';
const driftCacheMs = 2_000;

/**
 * What each view of the dashboard shows, assembled from the saga index and history, the metrics
 * registry (the numbers /metrics exports), the projection runner and the fabric. Read-only but
 * for `repairDevice`.
 */
export class DashboardViews {
  private readonly samples: ApiSample[] = [];
  private drift: { at: number; report: Promise<DriftByDevice> } | undefined;

  constructor(private readonly dependencies: DashboardDependencies) {}

  /** Samples the API counters, so the overview can show a rate; call every few seconds. */
  async sampleApi(): Promise<ApiSample> {
    const { values } = await this.dependencies.metrics.apiRequests.get();
    const sample = {
      at: Date.now(),
      total: values.reduce((sum, value) => sum + value.value, 0),
      errors: values
        .filter((value) => value.labels.code !== 'OK')
        .reduce((sum, value) => sum + value.value, 0),
    };
    this.samples.push(sample);
    while (this.samples.length > 2 && (this.samples[0]?.at ?? 0) < sample.at - rateWindowMs) {
      this.samples.shift();
    }
    return sample;
  }

  async overview() {
    const { sagas, projections } = this.dependencies;
    const now = await this.sampleApi();
    const first = this.samples[0] ?? now;
    const seconds = Math.max(1, (now.at - first.at) / 1000);
    const [counts, inFlight, parked, parkedCount, lag, drift] = await Promise.all([
      sagas.counts(),
      sagas.inFlightByLeaf(),
      sagas.search({ filter: { statuses: ['parked'] }, limit: 20 }),
      sagas.count({ statuses: ['parked'] }),
      projections.status(),
      this.driftByDevice(),
    ]);
    return {
      sagas: counts,
      inFlightByLeaf: inFlight,
      parked: { count: parkedCount, newest: parked.sagas.map(summaryView) },
      projections: lag.map((status) => ({
        name: status.name,
        lagEvents: status.lagEvents,
        running: status.running,
        lastError: status.lastError ?? null,
      })),
      api: {
        requests: now.total,
        errors: now.errors,
        ratePerSecond: (now.total - first.total) / seconds,
        errorsPerSecond: (now.errors - first.errors) / seconds,
        windowSeconds: Math.round(seconds),
      },
      drift: drift.devices.map((device) => ({
        device: device.name,
        differences: device.differences.length,
        reachable: device.reachable,
      })),
    };
  }

  async sagaDetail(sagaId: string) {
    const history = await this.dependencies.sagas.history(sagaId);
    if (!history) return undefined;
    const started = new Map<string, number>();
    const timeline = history.events.map((entry) => {
      const data = entry.event.data as unknown as Record<string, unknown>;
      const phase = entry.event.type.includes('Compensat') ? 'compensation' : 'action';
      const key = `${String(data['step'])}:${String(data['attempt'])}:${phase}`;
      let durationMs: number | null = null;
      if (typeof data['startedAt'] === 'string') started.set(key, Date.parse(data['startedAt']));
      else if (typeof data['at'] === 'string' && started.has(key)) {
        durationMs = Date.parse(data['at']) - (started.get(key) ?? 0);
      }
      return {
        revision: entry.revision,
        type: entry.event.type,
        at: entry.recordedAt,
        actor: entry.actor ?? null,
        step: typeof data['step'] === 'string' ? data['step'] : null,
        attempt: typeof data['attempt'] === 'number' ? data['attempt'] : null,
        idempotencyKey: typeof data['idempotencyKey'] === 'string' ? data['idempotencyKey'] : null,
        durationMs,
        data,
      };
    });
    const state = history.state;
    return {
      saga: summaryView(history.summary),
      outcome: history.outcome ?? null,
      steps:
        state.status === 'NotStarted'
          ? []
          : state.steps.map((step) => ({
              name: step.plan.name,
              action: step.action,
              compensation: step.compensation,
            })),
      parked: state.status === 'Parked' ? state.parked : null,
      timeline,
      deviceOperations: this.dependencies.deviceOperations.ofSaga(sagaId),
      // The dashboard's view of the audit trace of the call that started it (GET .../trace).
      auditTrace: `#/trace/${encodeURIComponent(sagaId)}`,
    };
  }

  async fabric() {
    const { topology, network } = this.dependencies;
    const drift = await this.driftByDevice();
    const names = drift.devices.map((device) => device.name);
    const intended = await intendedFabricState(network.aggregates, names);
    return {
      devices: drift.devices.map((device) => {
        const spec = topology.devices.find((candidate) => candidate.name === device.name);
        const actual = device.state;
        return {
          name: device.name,
          role: spec?.role ?? 'leaf',
          reachable: device.reachable,
          capacity: spec?.capacity ?? null,
          used: actual
            ? {
                vrfs: actual.vrfs.length,
                l2Vnis: actual.l2Vnis.length,
                l3Vnis: actual.vrfs.length,
                bindings: actual.l2Vnis.reduce((sum, vni) => sum + vni.interfaces.length, 0),
              }
            : null,
          actual: actual ?? null,
          intended: intended[device.name] ?? emptyDeviceState,
          differences: device.differences,
        };
      }),
    };
  }

  /**
   * Repairs one device's drift the way `RepairFabricDrift` does (FabricDriftService.repair): the
   * operator's action recorded with who asked and why, and its saga started from the same commit.
   */
  async repairDevice(device: string, actor: string, reason: string): Promise<FabricRepair> {
    this.drift = undefined;
    return this.dependencies.drift.repair(
      { reason, devices: [device] },
      { actor, correlationId: '', method: dashboardRepairMethod },
    );
  }

  private driftByDevice(): Promise<DriftByDevice> {
    const now = Date.now();
    if (!this.drift || now - this.drift.at > driftCacheMs) {
      const report = this.readDrift();
      this.drift = { at: now, report };
      report.catch(() => {
        this.drift = undefined;
      });
    }
    return this.drift.report;
  }

  private async readDrift(): Promise<DriftByDevice> {
    const { driver, topology, drift } = this.dependencies;
    const names = topology.devices
      .filter((device) => carriesTenants(device.role))
      .map((device) => device.name);
    const [report, states] = await Promise.all([
      drift.report(),
      Promise.all(names.map((name) => driver.readState(name).catch(() => undefined))),
    ]);
    return {
      devices: names.map((name, index) => ({
        name,
        reachable: !report.unreachable.includes(name),
        state: states[index],
        differences: report.differences.filter((difference) => difference.device === name),
      })),
    };
  }
}

interface DriftByDevice {
  readonly devices: readonly {
    readonly name: string;
    readonly reachable: boolean;
    readonly state: DeviceState | undefined;
    readonly differences: readonly FabricDifference[];
  }[];
}

export function summaryView(summary: SagaSummary) {
  return {
    sagaId: summary.sagaId,
    kind: summary.type,
    status: summary.status,
    resourceKey: summary.resourceKey,
    leaf: summary.leaf,
    tenant: summary.tenant,
    resource: summary.resource,
    operation: summary.operation,
    currentStep: summary.currentStep,
    lastError: summary.lastError,
    nextRunAt: summary.nextRunAt,
    createdAt: summary.createdAt,
    updatedAt: summary.updatedAt,
  };
}
