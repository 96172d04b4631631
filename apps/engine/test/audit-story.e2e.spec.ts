import { join } from 'node:path';
import type { AuditedResource, Change, ExportedEvent } from '@loom/api-contract';
import { openFileBackedFabric, type SimulatedFabric } from '@loom/fabric';
import { mintToken, loadOrCreateSigningKey } from '@loom/access';
import { Client } from 'pg';
import { ensureLoomctlBuilt, runLoomctl } from '../../loomctl/test/loomctl-process';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import { grpcErrorOf } from '../../../test/support/grpc-errors';
import {
  boundPortBody,
  finished,
  subnetBody,
  tenantBody,
  vpcBody,
} from '../../../test/support/network-fixtures';

const TENANT = 'tenants/acme';
const VPC = `${TENANT}/vpcs/blue`;
const WEB = `${VPC}/subnets/web`;

type Fields = Record<string, unknown>;

/**
 * The audit story through the gRPC API: the portal builds a tenant's network, an operator repairs
 * drift, the tenant deletes a port; then the auditor asks who did what, the network at each step's
 * instant (rebuilt from events) against the read models captured then, the diff, and a trace.
 */
describe('audit trail through the API', () => {
  let engine: TestEngine;
  let portal: LoomClients;
  let ops: LoomClients;
  let tenant: LoomClients;
  let auditor: LoomClients;
  let fabric: SimulatedFabric;
  const steps: { name: string; at: Date; readModels: Map<string, Fields> }[] = [];
  let portOperation = '';
  const repairReason = 'swp2 was unbound by hand during a line card swap';
  let repairId = '';
  let repairSaga = '';

  /** The read models as the API serves them, with the fields the audit rebuilds. */
  async function readModels(): Promise<Map<string, Fields>> {
    const models = new Map<string, Fields>();
    const t = await portal.tenants.getTenant({ name: TENANT });
    models.set(t.name, { displayName: t.displayName, quota: t.quota, usage: t.usage });
    for (const v of (await portal.vpcs.listVpcs({ parent: TENANT, pageSize: 0, pageToken: '' }))
      .vpcs) {
      models.set(v.name, {
        displayName: v.displayName,
        cidrBlocks: v.cidrBlocks,
        l3Vni: v.l3Vni,
        vrfName: v.vrfName,
        routeDistinguisher: v.routeDistinguisher,
        importRouteTargets: v.importRouteTargets,
        exportRouteTargets: v.exportRouteTargets,
      });
      for (const s of (
        await portal.subnets.listSubnets({ parent: v.name, pageSize: 0, pageToken: '' })
      ).subnets) {
        models.set(s.name, {
          displayName: s.displayName,
          cidr: s.cidr,
          gatewayIp: s.gatewayIp,
          l2Vni: s.l2Vni,
        });
        for (const p of (
          await portal.ports.listPorts({ parent: s.name, pageSize: 0, pageToken: '' })
        ).ports) {
          models.set(p.name, {
            displayName: p.displayName,
            kind: p.kind,
            fixedIp: p.fixedIp,
            macAddress: p.macAddress,
            status: p.status,
            binding: p.binding,
          });
        }
      }
    }
    return models;
  }

  async function step(name: string): Promise<void> {
    const models = await readModels();
    await new Promise((wake) => setTimeout(wake, 50));
    steps.push({ name, at: new Date(), readModels: models });
    await new Promise((wake) => setTimeout(wake, 50));
  }

  const stateOf = (resources: readonly AuditedResource[]): Map<string, Fields> =>
    new Map(
      resources.map((resource) => [resource.name, JSON.parse(resource.fieldsJson) as Fields]),
    );

  async function allChanges(request: Partial<Parameters<LoomClients['audit']['listChanges']>[0]>) {
    const changes: Change[] = [];
    let pageToken = '';
    do {
      const page = await auditor.audit.listChanges({
        tenant: '',
        resource: '',
        actor: '',
        requestId: '',
        correlationId: '',
        eventType: '',
        startTime: null,
        endTime: null,
        oldestFirst: true,
        pageSize: 100,
        ...request,
        pageToken,
      });
      changes.push(...page.changes);
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    return changes;
  }

  beforeAll(async () => {
    const [started] = await Promise.all([startTestEngine(), ensureLoomctlBuilt()]);
    engine = started;
    portal = await engine.clientsAs('portal');
    ops = await engine.clientsAs('ops');
    tenant = await engine.clientsAs('tenant', 'acme');
    auditor = await engine.clientsAs('auditor');
    fabric = await openFileBackedFabric({ directory: join(engine.dataDir, 'fabric') });

    await portal.tenants.createTenant({
      tenantId: 'acme',
      tenant: tenantBody({ vpcs: 5, subnets: 5, ports: 20 }),
      requestId: '',
    });
    await finished(
      portal,
      await portal.vpcs.createVpc({
        parent: TENANT,
        vpcId: 'blue',
        vpc: vpcBody(['10.0.0.0/16']),
        requestId: '',
      }),
    );
    await finished(
      portal,
      await portal.subnets.createSubnet({
        parent: VPC,
        subnetId: 'web',
        subnet: subnetBody('10.0.1.0/24'),
        requestId: '',
      }),
    );
    for (const [portId, swp] of [
      ['p1', 'swp1'],
      ['p2', 'swp2'],
    ] as const) {
      const operation = await finished(
        portal,
        await portal.ports.createPort({
          parent: WEB,
          portId,
          port: boundPortBody('leaf1', swp),
          requestId: '',
        }),
      );
      expect(operation).toMatchObject({ done: true, error: null });
      if (portId === 'p1') portOperation = operation.name;
    }
    await step('portal created the network');

    // Someone removes p2's interface from its VNI on leaf1 behind Loom's back; ops repairs it.
    const web = await portal.subnets.getSubnet({ name: WEB });
    await fabric.tamper('leaf1', (state) => ({
      ...state,
      l2Vnis: state.l2Vnis.map((l2) =>
        l2.l2Vni === web.l2Vni
          ? { ...l2, interfaces: l2.interfaces.filter((name) => name !== 'swp2') }
          : l2,
      ),
    }));
    const repair = await ops.fabric.repairFabricDrift({ reason: repairReason, devices: ['leaf1'] });
    expect(repair.sagaIds).toHaveLength(1);
    repairId = repair.repairId;
    repairSaga = repair.sagaIds[0] ?? '';
    for (let waited = 0; (await ops.fabric.getFabricDrift({})).items.length > 0; waited += 1) {
      if (waited > 300) throw new Error('the repair did not converge');
      await new Promise((wake) => setTimeout(wake, 100));
    }
    await step('ops repaired drift');

    const deleted = await tenant.ports.deletePort({
      name: `${WEB}/ports/p2`,
      etag: '',
      requestId: '',
    });
    await finished(tenant, deleted);
    await step('tenant deleted a port');
  });
  afterAll(async () => {
    await engine.stop();
  });

  it('gives the auditor each change with its actor, method and fields before and after', async () => {
    const changes = await allChanges({ tenant: 'acme' });
    const tenantCreated = changes.find((change) => change.eventType === 'TenantCreated');
    expect(tenantCreated).toMatchObject({
      actor: 'portal:e2e-portal',
      role: 'portal',
      subject: 'e2e-portal',
      action: 'TenantService/CreateTenant',
      resource: TENANT,
    });
    const vpcCreated = changes.find((change) => change.eventType === 'VpcCreated');
    expect(vpcCreated).toMatchObject({ action: 'VpcService/CreateVpc', resource: VPC });
    expect(vpcCreated?.changes.find((change) => change.field === 'cidrBlocks')).toEqual({
      field: 'cidrBlocks',
      beforeJson: '',
      afterJson: '["10.0.0.0/16"]',
    });
    const portDeleted = changes.find((change) => change.eventType === 'PortDeleted');
    expect(portDeleted).toMatchObject({
      actor: 'tenant:e2e-tenant-acme',
      role: 'tenant',
      action: 'PortService/DeletePort',
      resource: `${WEB}/ports/p2`,
    });
    const before = Object.fromEntries(
      portDeleted!.changes.map((change) => [change.field, JSON.parse(change.beforeJson)]),
    );
    expect(before).toMatchObject({ displayName: '', status: 'ACTIVE', kind: 'VIRTUAL_MACHINE' });
    expect(before['binding']).toMatchObject({ leafSwitch: 'leaf1', interface: 'swp2' });
    expect(portDeleted!.changes.every((change) => change.afterJson === '')).toBe(true);
    // The fabric's outcome is Loom's own doing, not the caller's.
    expect(changes.find((change) => change.eventType === 'PortActivated')).toMatchObject({
      role: 'system',
    });

    // The operator's repair: the action itself (who, which method, why, what was found and the
    // saga it started), then its saga, started as the operator's.
    const repairs = await allChanges({ actor: 'ops:e2e-ops' });
    expect(repairs).toEqual([
      expect.objectContaining({
        kind: 'fabric-repair',
        eventType: 'FabricRepairRequested',
        role: 'ops',
        subject: 'e2e-ops',
        action: 'FabricService/RepairFabricDrift',
        resource: `fabric/repairs/${repairId}`,
        correlationId: repairId,
      }),
      expect.objectContaining({
        kind: 'saga',
        eventType: 'SagaStarted',
        role: 'ops',
        subject: 'e2e-ops',
        action: 'saga repair-leaf',
        resource: `sagas/${repairSaga}`,
      }),
    ]);
    const fields = Object.fromEntries(
      repairs[0]!.changes.map((change) => [change.field, JSON.parse(change.afterJson)]),
    );
    const web = await portal.subnets.getSubnet({ name: WEB });
    expect(fields).toEqual({
      reason: repairReason,
      requestedDevices: ['leaf1'],
      devices: ['leaf1'],
      drift: [
        {
          kind: 'missing',
          device: 'leaf1',
          item: { type: 'l2Vni-interface', l2Vni: web.l2Vni, interface: 'swp2' },
        },
      ],
      sagaIds: [repairSaga],
      unreachable: [],
    });
  });

  it('traces the drift repair: the operator, the method, the reason and its saga converging the leaf', async () => {
    const trace = await auditor.audit.traceCall({ correlationId: repairId, tenant: '' });
    expect(trace).toMatchObject({
      actor: 'ops:e2e-ops',
      method: 'FabricService/RepairFabricDrift',
      reason: repairReason,
      correlationId: repairId,
    });
    expect(trace.events.map((event) => event.eventType)).toEqual([
      'FabricRepairRequested',
      'FabricWorkRequested',
    ]);
    expect(trace.sagas).toEqual([
      expect.objectContaining({ sagaId: repairSaga, sagaType: 'repair-leaf', status: 'completed' }),
    ]);
    const converge = trace.sagas[0]!.steps.find((s) => s.step === 'converge');
    expect(converge?.attempts[0]).toMatchObject({
      outcome: 'succeeded',
      idempotencyKey: `${repairSaga}:converge`,
    });
    expect(JSON.parse(converge!.attempts[0]!.resultJson)).toMatchObject({ changed: 1 });
    // From the saga to the call that started it, as the dashboard's link does.
    const fromSaga = await auditor.audit.traceCall({ sagaId: repairSaga, tenant: '' });
    expect(fromSaga).toMatchObject({ correlationId: repairId, reason: repairReason });
    // The fabric is no tenant's: a tenant token does not see the repair.
    expect(
      await grpcErrorOf(tenant.audit.traceCall({ correlationId: repairId, tenant: '' })),
    ).toMatchObject({ codeName: 'NOT_FOUND' });
  });

  it('rebuilds the tenant at each step’s instant exactly as the read models were then', async () => {
    expect(steps.map((s) => s.name)).toHaveLength(3);
    for (const { at, readModels: expected } of steps) {
      const state = await auditor.audit.getStateAt({
        name: TENANT,
        at: {
          time: {
            seconds: String(Math.floor(at.getTime() / 1000)),
            nanos: (at.getTime() % 1000) * 1e6,
          },
        },
      });
      expect(stateOf(state.resources)).toEqual(expected);
    }
  });

  it('diffs two instants: exactly what changed between them', async () => {
    const instant = (at: Date) => ({
      time: {
        seconds: String(Math.floor(at.getTime() / 1000)),
        nanos: (at.getTime() % 1000) * 1e6,
      },
    });
    const repaired = await auditor.audit.diffStates({
      name: TENANT,
      from: instant(steps[0]!.at),
      to: instant(steps[1]!.at),
    });
    expect(repaired).toMatchObject({ added: [], removed: [], changed: [] });
    const diff = await auditor.audit.diffStates({
      name: TENANT,
      from: instant(steps[1]!.at),
      to: instant(steps[2]!.at),
    });
    expect(diff.added).toEqual([]);
    expect(diff.removed.map((resource) => resource.name)).toEqual([`${WEB}/ports/p2`]);
    expect(diff.changed).toEqual([
      {
        kind: 'tenant',
        name: TENANT,
        changes: [
          {
            field: 'usage',
            beforeJson: JSON.stringify({
              ...JSON.parse(diff.changed[0]!.changes[0]!.afterJson),
              ports: 2,
            }),
            afterJson: diff.changed[0]!.changes[0]!.afterJson,
          },
        ],
      },
    ]);
    expect(JSON.parse(diff.changed[0]!.changes[0]!.afterJson)).toMatchObject({ ports: 1 });
  });

  it('traces the port create through its saga’s steps and device operations', async () => {
    const trace = await auditor.audit.traceCall({ operation: portOperation, tenant: '' });
    expect(trace).toMatchObject({ actor: 'portal:e2e-portal', method: 'PortService/CreatePort' });
    expect(trace.events.map((event) => event.eventType)).toEqual(
      expect.arrayContaining(['PortCreated', 'OperationStarted', 'FabricWorkRequested']),
    );
    expect(trace.sagas).toHaveLength(1);
    const [saga] = trace.sagas;
    expect(saga).toMatchObject({
      sagaType: 'provision-port',
      resourceKey: 'leaf/leaf1',
      status: 'completed',
    });
    expect(saga!.steps.length).toBeGreaterThanOrEqual(2);
    for (const sagaStep of saga!.steps.filter((s) => !s.skipped)) {
      expect(sagaStep.attempts[0]).toMatchObject({
        attempt: 1,
        outcome: 'succeeded',
        idempotencyKey: `${saga!.sagaId}:${sagaStep.step}`,
      });
    }
    expect(saga!.steps.map((s) => s.step)).toContain('bind-port');
    const endState = stateOf(trace.endState);
    expect(endState.get(`${WEB}/ports/p1`)).toMatchObject({ status: 'ACTIVE' });
    expect(endState.get(portOperation)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('confines a tenant token to its own tenant and lets no auditor change anything', async () => {
    const other = await engine.clientsAs('tenant', 'other');
    expect(await grpcErrorOf(other.audit.getStateAt({ name: TENANT, at: null }))).toMatchObject({
      codeName: 'NOT_FOUND',
    });
    expect(
      await grpcErrorOf(other.audit.traceCall({ operation: portOperation, tenant: '' })),
    ).toMatchObject({ codeName: 'NOT_FOUND' });
    const listAs = (clients: LoomClients, tenantId: string) =>
      clients.audit.listChanges({
        tenant: tenantId,
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
      });
    expect(await grpcErrorOf(listAs(other, 'acme'))).toMatchObject({ codeName: 'NOT_FOUND' });
    expect((await listAs(other, '')).changes).toEqual([]);
    const own = await listAs(tenant, '');
    expect(own.changes.length).toBeGreaterThan(0);
    expect(own.changes.every((change) => change.resource.startsWith(TENANT))).toBe(true);
    expect((await tenant.audit.getStateAt({ name: TENANT, at: null })).resources.length).toBe(4);

    expect(
      await grpcErrorOf(
        auditor.vpcs.createVpc({
          parent: TENANT,
          vpcId: 'red',
          vpc: vpcBody(['10.9.0.0/16']),
          requestId: '',
        }),
      ),
    ).toMatchObject({ codeName: 'PERMISSION_DENIED' });
    expect(
      await grpcErrorOf(
        auditor.ports.deletePort({ name: `${WEB}/ports/p1`, etag: '', requestId: '' }),
      ),
    ).toMatchObject({ codeName: 'PERMISSION_DENIED' });
  });

  it('exports the log as JSON events, resumable, and records the export', async () => {
    const read = async (afterPosition: string) => {
      const events: ExportedEvent[] = [];
      for await (const event of auditor.auditExport.exportEvents({
        tenant: 'acme',
        afterPosition,
        startTime: null,
        endTime: null,
      }) as AsyncIterable<ExportedEvent>)
        events.push(event);
      return events;
    };
    const all = await read('0');
    expect(all[0]).toMatchObject({ stream: 'tenant-acme', type: 'TenantCreated' });
    const rest = await read(all[9]!.position);
    // The same events after the position, then the first export's own record (of this tenant).
    expect(rest.slice(0, -1).map((event) => event.id)).toEqual(
      all.slice(10).map((event) => event.id),
    );
    expect(rest.at(-1)).toMatchObject({ stream: 'audit-exports', type: 'AuditLogExported' });
    const exports = await allChanges({ eventType: 'AuditLogExported' });
    expect(exports).toHaveLength(2);
    expect(exports[0]).toMatchObject({
      actor: 'auditor:e2e-auditor',
      action: 'AuditService/ExportEvents',
    });
  });

  describe('through loomctl', () => {
    const loomctl = async (...args: string[]) => {
      const token = await mintToken(await loadOrCreateSigningKey(engine.dataDir), {
        role: 'auditor',
        tenant: undefined,
        subject: 'cli-auditor',
        ttl: '5m',
      });
      return runLoomctl(['audit', ...args], {
        LOOM_SERVER: engine.address,
        LOOM_TOKEN: token,
        LOOM_CONFIG: join(engine.dataDir, 'loomctl.json'),
      });
    };

    it('lists changes, states, diffs and traces as tables and as JSON', async () => {
      const changes = await loomctl(
        'changes',
        '--tenant',
        'acme',
        '--type',
        'PortDeleted',
        '--details',
      );
      expect(changes).toMatchObject({ code: 0 });
      expect(changes.stdout).toContain('tenant:e2e-tenant-acme PortService/DeletePort PortDeleted');
      expect(changes.stdout).toMatch(/^ {4}status: "ACTIVE" -> \(none\)$/m);
      const json = await loomctl('changes', '--resource', VPC, '--all', '--json');
      const parsed = JSON.parse(json.stdout) as { changes: Change[] };
      expect(parsed.changes.length).toBeGreaterThan(5);
      expect(parsed.changes.every((change) => change.resource.startsWith(VPC))).toBe(true);

      const at = await loomctl('at', TENANT, '--at', steps[1]!.at.toISOString(), '-o', 'json');
      expect(
        stateOf((JSON.parse(at.stdout) as { resources: AuditedResource[] }).resources),
      ).toEqual(steps[1]!.readModels);
      const diff = await loomctl(
        'diff',
        TENANT,
        '--from',
        steps[1]!.at.toISOString(),
        '--to',
        steps[2]!.at.toISOString(),
      );
      expect(diff.stdout).toContain(`- port ${WEB}/ports/p2`);
      expect(diff.stdout).toContain('~ tenant tenants/acme');
      const trace = await loomctl('trace', portOperation);
      expect(trace).toMatchObject({ code: 0 });
      expect(trace.stdout).toMatch(/^METHOD +PortService\/CreatePort$/m);
      expect(trace.stdout).toMatch(/^bind-port +1 +succeeded +\S+:bind-port /m);
      expect((await loomctl('trace')).code).toBe(2);
      const repaired = await loomctl('trace', '--correlation-id', repairId);
      expect(repaired).toMatchObject({ code: 0 });
      expect(repaired.stdout).toMatch(/^WHO +ops:e2e-ops$/m);
      expect(repaired.stdout).toMatch(/^METHOD +FabricService\/RepairFabricDrift$/m);
      expect(repaired.stdout).toMatch(new RegExp(`^REASON +${repairReason}$`, 'm'));
      expect(repaired.stdout).toMatch(/^converge +1 +succeeded +\S+:converge /m);
      expect((await loomctl('trace', '--saga', repairSaga)).stdout).toContain(repairReason);
    });

    it('exports JSON lines, resumable from the last position received', async () => {
      const all = (await loomctl('export', '--tenant', 'acme')).stdout.trim().split('\n');
      const lines = all.map((line) => JSON.parse(line) as { position: string; type: string });
      expect(lines[0]).toMatchObject({ type: 'TenantCreated' });
      const rest = (
        await loomctl('export', '--tenant', 'acme', '--after', lines[4]!.position)
      ).stdout
        .trim()
        .split('\n');
      expect(rest.slice(0, lines.length - 5)).toEqual(all.slice(5));
    });

    it('verifies the live log the engine sealed (exit 0), and finds a change made behind its back (exit 3)', async () => {
      const databaseUrl = await engine.databaseUrl();
      const verify = () =>
        runLoomctl(
          [
            'audit',
            'verify',
            '--database-url',
            databaseUrl,
            '--data-dir',
            engine.dataDir,
            '--json',
          ],
          {},
        );
      // The sealer seals every second: wait until it has sealed everything written so far.
      let report: { intact: boolean; unsealed: number; events: number } = {
        intact: false,
        unsealed: 1,
        events: 0,
      };
      for (let tries = 0; tries < 50 && (report.unsealed > 0 || !report.intact); tries += 1) {
        const result = await verify();
        expect(result.code).toBe(0);
        report = JSON.parse(result.stdout) as typeof report;
        if (report.unsealed > 0) await new Promise((wake) => setTimeout(wake, 200));
      }
      expect(report).toMatchObject({ intact: true, unsealed: 0 });
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(
          `UPDATE event_store.events SET metadata = jsonb_set(metadata, '{actor}', '"portal:someone-else"')
           WHERE event_type = 'PortDeleted'`,
        );
      } finally {
        await client.end();
      }
      const tampered = await verify();
      expect(tampered.code).toBe(3);
      expect(JSON.parse(tampered.stdout)).toMatchObject({
        intact: false,
        problems: [expect.objectContaining({ kind: 'mismatch' })],
      });
    });
  });
});
