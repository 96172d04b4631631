import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import { createLoomClients } from '../../../test/support/grpc-client';
import {
  boundPortBody,
  createTenantSubnet,
  finished,
} from '../../../test/support/network-fixtures';

/** The value of one sample of the Prometheus text (labels in any order), or undefined. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const given: Record<string, string | undefined> = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((label) => [label[1], label[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => given[key] === value)) {
      return Number(match[3]);
    }
  }
  return undefined;
}

/** GET /metrics of a started engine, after a port went through its saga onto leaf1. */
describe('GET /metrics', () => {
  let engine: TestEngine;
  let text: string;
  let contentType: string | null;

  beforeAll(async () => {
    engine = await startTestEngine();
    const portal = await engine.clientsAs('portal');
    await createTenantSubnet(portal, { vpcs: 2, subnets: 2, ports: 2 });
    const operation = await finished(
      portal,
      await portal.ports.createPort({
        parent: 'tenants/acme/vpcs/f/subnets/a',
        portId: 'vm1',
        port: boundPortBody('leaf1'),
        requestId: '',
      }),
    );
    expect(operation).toMatchObject({ done: true, error: null });
    const anonymous = createLoomClients(engine.address, undefined);
    await expect(anonymous.tenants.getTenant({ name: 'tenants/acme' })).rejects.toThrow();
    anonymous.close();
    const response = await fetch(`http://127.0.0.1:${engine.httpPort}/metrics`);
    expect(response.status).toBe(200);
    contentType = response.headers.get('content-type');
    text = await response.text();
  });
  afterAll(async () => {
    await engine.stop();
  });

  it("answers in Prometheus' text format", () => {
    expect(contentType).toMatch(/^text\/plain;/);
    expect(contentType).toContain('version=0.0.4');
    expect(text).toMatch(/^# HELP loom_api_requests_total /m);
  });

  it('counts and times API calls by method and status code, refused ones too', () => {
    const created = { method: 'loom.v1.PortService/CreatePort', code: 'OK' };
    expect(sample(text, 'loom_api_requests_total', created)).toBe(1);
    expect(sample(text, 'loom_api_request_duration_seconds_count', created)).toBe(1);
    const refused = { method: 'loom.v1.TenantService/GetTenant', code: 'UNAUTHENTICATED' };
    expect(sample(text, 'loom_api_requests_total', refused)).toBe(1);
  });

  it('counts sagas by kind and state', () => {
    expect(sample(text, 'loom_sagas', { kind: 'provision-port', state: 'completed' })).toBe(1);
  });

  it('times saga steps and device operations with their outcomes', () => {
    for (const step of ['create-vrf', 'configure-bgp-evpn', 'bind-port']) {
      const labels = { kind: 'provision-port', step, phase: 'action', outcome: 'ok' };
      expect(sample(text, 'loom_saga_step_duration_seconds_count', labels)).toBe(1);
    }
    for (const operation of ['createVrf', 'configureBgpEvpn', 'bindL2Vni']) {
      const labels = { device: 'leaf1', operation, outcome: 'succeeded' };
      expect(sample(text, 'loom_device_operation_duration_seconds_count', labels)).toBe(1);
    }
  });

  it('shows projection lag, event store appends and process metrics', () => {
    expect(sample(text, 'loom_projection_lag_events')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'loom_event_store_append_duration_seconds_count')).toBeGreaterThan(0);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('shows the pool opened its connections at start and kept them (LOOM_DB_POOL_SIZE, 10)', () => {
    expect(sample(text, 'loom_db_connections_opened_total')).toBe(10);
    expect(sample(text, 'loom_db_connections', { state: 'open' })).toBe(10);
    // The scrape's own gauges query the pool too: a checkout may be waiting at that moment.
    expect(sample(text, 'loom_db_connections', { state: 'waiting' })).toBeGreaterThanOrEqual(0);
  });
});
