import { status } from '@grpc/grpc-js';
import { startTestEngine, type TestEngine } from '../test/support/engine-harness';
import { createTenantSubnet, finished } from '../test/support/network-fixtures';
import { accessTable, externalNetwork, type CodeName, type Target } from './access/access-table';
import { expectedCode, type MatrixRole, type TargetKind } from './access/expected-code';
import { queryRows } from './support/checks/event-log';
import { recordFigures } from './support/figures';
import { callJson, loadLoomRoot, newRawClient, rawCall } from './support/raw-api';
import { reflectedMethods } from './support/reflected-api';

const roles: readonly MatrixRole[] = ['portal', 'tenant', 'ops', 'auditor'];
const targets: readonly TargetKind[] = ['own', 'other', 'none'];

describe('the access matrix, from server reflection', () => {
  let engine: TestEngine;
  const fixtures = new Map<TargetKind, Target>();

  beforeAll(async () => {
    engine = await startTestEngine();
    const portal = await engine.clientsAs('portal');
    for (const [kind, tenant] of [
      ['own', 'acme'],
      ['other', 'globex'],
    ] as const) {
      await createTenantSubnet(portal, { vpcs: 2, subnets: 2, ports: 2 }, tenant);
      await finished(
        portal,
        await portal.ports.createPort({
          parent: `tenants/${tenant}/vpcs/f/subnets/a`,
          portId: 'p',
          port: { kind: 'VIRTUAL_MACHINE', binding: null } as never,
          requestId: `00000000-0000-4000-8000-00000000000${kind === 'own' ? 1 : 2}`,
        }),
      );
      const [operation] = (
        await portal.operations.listOperations({
          parent: `tenants/${tenant}`,
          pageSize: 1,
          pageToken: '',
        })
      ).operations;
      fixtures.set(kind, {
        tenant,
        operation: operation?.name ?? '',
        requestId: `00000000-0000-4000-8000-00000000000${kind === 'own' ? 1 : 2}`,
      });
    }
    const created = await callJson(
      engine.address,
      'loom.v1.ExternalNetworkService/CreateExternalNetwork',
      { external_network_id: 'ext', external_network: externalNetwork },
      await engine.token('portal'),
    );
    expect(created.code).toBe(status.OK);
    fixtures.set('none', {
      tenant: 'ghost',
      operation: 'tenants/ghost/operations/op-00000000-0000-4000-8000-000000000000',
      requestId: '00000000-0000-4000-8000-000000000009',
    });
  });
  afterAll(async () => {
    await engine.stop();
  });

  it('answers every method x role x (own, other, no such tenant) as the table says, writing nothing; a method missing from the table fails', async () => {
    const methods = await reflectedMethods(engine.address);
    const unclassified = methods.map((m) => m.id).filter((id) => !(id in accessTable));
    expect({ unclassified }).toEqual({ unclassified: [] });
    const stale = Object.keys(accessTable).filter((id) => !methods.some((m) => m.id === id));
    expect({ notServed: stale }).toEqual({ notServed: [] });

    const root = loadLoomRoot();
    const client = newRawClient(engine.address);
    const tokens = {
      portal: await engine.token('portal'),
      tenant: await engine.token('tenant', 'acme'),
      ops: await engine.token('ops'),
      auditor: await engine.token('auditor'),
    };
    const url = await engine.databaseUrl();
    const [{ last } = { last: '0' }] = await queryRows<{ last: string }>(
      url,
      'SELECT coalesce(max(global_position), 0) AS last FROM event_store.events',
    );
    const mismatches: string[] = [];
    let cells = 0;
    let exportsAnswered = 0;
    for (const method of methods) {
      const row = accessTable[method.id];
      if (!row) continue;
      const type = root.lookupType(method.inputType);
      for (const role of roles) {
        for (const target of targets) {
          const fixture = fixtures.get(target);
          if (!fixture) throw new Error(`no fixture for ${target}`);
          const body = Buffer.from(type.encode(type.fromObject(row.request(fixture))).finish());
          const result = await rawCall(client, method, body, {
            token: tokens[role],
            deadlineMs: 3_000,
            maxMessages: 1,
          });
          cells += 1;
          const actual = (status[result.code] ?? String(result.code)) as CodeName;
          // A stream that stays open until the deadline is a stream the caller may read.
          const seen =
            method.serverStreaming && actual === ('DEADLINE_EXCEEDED' as CodeName) ? 'OK' : actual;
          const expected = expectedCode(row, role, target);
          if (method.id === 'loom.v1.AuditService/ExportEvents' && seen === 'OK')
            exportsAnswered += 1;
          if (seen !== expected) {
            mismatches.push(
              `${method.id} ${role} ${target}: ${seen} (${result.details}), expected ${expected}`,
            );
          }
        }
      }
    }
    client.close();
    const written = await queryRows<{ stream_name: string; event_type: string; method: string }>(
      url,
      `SELECT stream_name, event_type, metadata->>'method' AS method FROM event_store.events
       WHERE global_position > ${last} ORDER BY global_position`,
    );
    recordFigures('accessMatrix', {
      methods: methods.length,
      roles: roles.length,
      cells,
      mismatches: mismatches.length,
    });
    expect(mismatches).toEqual([]);
    // An export is itself audited (AuditLogExported, one per export answered): the one write an
    // allowed read makes. Nothing else may be written, least of all by a refused call.
    const exports = written.filter((event) => event.event_type === 'AuditLogExported');
    expect(written.filter((event) => !exports.includes(event))).toEqual([]);
    expect(exports).toHaveLength(exportsAnswered);
  });
});
