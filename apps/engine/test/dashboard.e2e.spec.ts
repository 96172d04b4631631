import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PortStatus } from '@loom/api-contract';
import { loadOrCreateSigningKey, mintToken, type Role } from '@loom/access';
import { openFileBackedFabric, type SimulatedFabric } from '@loom/fabric';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import { boundPortBody, createTenantSubnet } from '../../../test/support/network-fixtures';

const chromiumPath = '/usr/bin/chromium';
const browserRequired = Boolean(
  process.env['LOOM_REQUIRE_BROWSER'] ?? process.env['LOOM_REQUIRE_FRR'],
);
const hasBrowser = existsSync(chromiumPath);
if (!hasBrowser && !browserRequired) {
  process.stdout.write(
    `dashboard e2e skipped: no ${chromiumPath} (apt-get install chromium; LOOM_REQUIRE_BROWSER=1 makes this a failure)\n`,
  );
}
const describeWithBrowser = hasBrowser || browserRequired ? describe : describe.skip;

/** Screenshots of every view, for a person to look at (git-ignored). */
const screenshots = join(__dirname, '../../../test-results/dashboard');
const SUBNET = 'tenants/acme/vpcs/f/subnets/a';

/**
 * The dashboard in Debian's Chromium (headless, no download): a device fault parks a saga, which
 * shows up live; an operator retries or aborts it with a reason; an auditor can only look; a
 * tenant cannot sign in.
 */
describeWithBrowser('ops dashboard in a browser', () => {
  let engine: TestEngine;
  let portal: LoomClients;
  let fabric: SimulatedFabric;
  let browser: Browser;
  let database: Client;
  const base = () => `http://127.0.0.1:${engine.httpPort}`;

  const minted: string[] = [];
  const token = async (role: Role, subject: string, tenant?: string) => {
    const jwt = await mintToken(await loadOrCreateSigningKey(engine.dataDir), {
      role,
      subject,
      ...(tenant !== undefined && { tenant }),
      ttl: '1h',
    });
    minted.push(jwt);
    return jwt;
  };

  const signedIn = async (role: Role, subject: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(base());
    await page.fill('#token', await token(role, subject));
    await page.click('#sign-in');
    await page.waitForSelector('#who:not([hidden])');
    return page;
  };

  const statusOf = async (sagaId: string): Promise<string | undefined> => {
    const { rows } = await database.query<{ status: string }>(
      'SELECT status FROM sagas.instances WHERE saga_id = $1',
      [sagaId],
    );
    return rows[0]?.status;
  };

  const sagaOfPort = async (port: string): Promise<string> => {
    for (let waited = 0; waited < 10_000; waited += 50) {
      const { rows } = await database.query<{ saga_id: string }>(
        'SELECT saga_id FROM sagas.instances WHERE resource = $1',
        [port],
      );
      if (rows[0]) return rows[0].saga_id;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no saga for ${port}`);
  };

  /** When the saga index says `status`, within `timeoutMs`. */
  const reached = async (sagaId: string, status: string, timeoutMs: number): Promise<number> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await statusOf(sagaId)) === status) return Date.now();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(
      `saga ${sagaId} did not reach ${status}; it is ${String(await statusOf(sagaId))}`,
    );
  };

  /** A port on `leaf` whose saga parks: BGP EVPN refused 3 times, then the VRF's removal 5 times. */
  const parkedPort = async (leaf: string, portId: string): Promise<string> => {
    await fabric.injectFault({
      effect: 'fail',
      device: leaf,
      operationKind: 'configureBgpEvpn',
      times: 3,
    });
    await fabric.injectFault({
      effect: 'fail',
      device: leaf,
      operationKind: 'deleteVrf',
      times: 5,
    });
    await portal.ports.createPort({
      parent: SUBNET,
      portId,
      port: boundPortBody(leaf),
      requestId: '',
    });
    return sagaOfPort(`${SUBNET}/ports/${portId}`);
  };

  /**
   * A port on `leaf` whose saga parks going forward: the leaf is unreachable for longer than the
   * step's attempts (port sagas park then instead of undoing, docs/sagas.md).
   */
  const unreachablePort = async (leaf: string, portId: string): Promise<string> => {
    await fabric.setUnreachable(leaf);
    await portal.ports.createPort({
      parent: SUBNET,
      portId,
      port: boundPortBody(leaf),
      requestId: '',
    });
    return sagaOfPort(`${SUBNET}/ports/${portId}`);
  };

  beforeAll(async () => {
    if (!hasBrowser) throw new Error(`LOOM_REQUIRE_BROWSER is set but ${chromiumPath} is missing`);
    await mkdir(screenshots, { recursive: true });
    engine = await startTestEngine({
      LOOM_DEVICE_TIMEOUT_MS: '400',
      LOOM_SHUTDOWN_GRACE_MS: '3000',
    });
    portal = await engine.clientsAs('portal');
    fabric = await openFileBackedFabric({ directory: join(engine.dataDir, 'fabric') });
    database = new Client({ connectionString: await engine.databaseUrl() });
    await database.connect();
    // The last test restarts the engine, and with it its PostgreSQL: this connection then drops.
    database.on('error', () => undefined);
    await createTenantSubnet(portal, { vpcs: 5, subnets: 5, ports: 50 });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    // Whatever beforeAll got to open.
    const opened = { browser, database, engine } as Partial<{
      browser: Browser;
      database: Client;
      engine: TestEngine;
    }>;
    await opened.browser?.close();
    await opened.database?.end();
    await opened.engine?.stop();
  });

  it('refuses a tenant token at sign-in', async () => {
    const page = await browser.newPage();
    await page.goto(base());
    await page.fill('#token', await token('tenant', 'acme-user', 'acme'));
    await page.click('#sign-in');
    await page.waitForSelector('text=role tenant may not use the dashboard');
    expect(await page.isHidden('#nav')).toBe(true);
    const cookies = await page.context().cookies();
    expect(cookies.filter((cookie) => cookie.name === 'loom_session')).toEqual([]);
    await page.close();
  });

  it('shows a saga parked by an unreachable leaf live; an operator retries it with a reason and it completes', async () => {
    const page = await signedIn('ops', 'alice');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'loom_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    let navigations = 0;
    await page.goto(`${base()}/#/sagas?state=parked`);
    await page.waitForSelector('#saga-results');
    page.on('framenavigated', () => {
      navigations += 1;
    });

    const port = `${SUBNET}/ports/p-retry`;
    const sagaId = await unreachablePort('leaf2', 'p-retry');
    const parkedAt = await reached(sagaId, 'parked', 60_000);
    await page.waitForSelector(`#saga-results a[href="#/sagas/${sagaId}"]`, { timeout: 2_000 });
    expect(Date.now() - parkedAt).toBeLessThan(2_000);
    expect(navigations).toBe(0); // no reload: the row came through the event stream
    // Parked going forward, nothing undone: the port waits, PENDING, for the operator.
    expect((await portal.ports.getPort({ name: port })).status).toBe(PortStatus.PENDING);

    await page.click(`#saga-results a[href="#/sagas/${sagaId}"]`);
    await page.waitForSelector('#saga-actions');
    expect(await page.textContent('h1')).toContain('parked');
    expect(await page.textContent('#timeline')).toContain(`${sagaId}:create-vrf`);
    expect(await page.textContent('#timeline')).toContain('unreachable');
    expect(await page.textContent('#device-operations')).toContain('createVrf');
    await page.screenshot({ path: join(screenshots, 'saga-detail.png'), fullPage: true });

    await page.click('#retry'); // no reason: refused
    await page.waitForSelector('text=a reason is required');
    await fabric.restore('leaf2'); // the operator brought the leaf back
    await page.fill('#action-reason', 'leaf2 replaced its line card');
    await page.click('#retry');
    await page.waitForSelector('h1 [data-status="completed"]', { timeout: 20_000 });
    await page.waitForSelector('#timeline >> text=SagaCompleted');
    expect(await page.textContent('#timeline')).toContain('SagaRetried');
    expect(await page.textContent('#timeline')).toContain('ops:alice');
    expect(await page.textContent('#timeline')).not.toContain('SagaCompensationStarted');

    // The port is ACTIVE and bound on the leaf: the saga carried on from its failed step.
    const portStatus = async () => (await portal.ports.getPort({ name: port })).status;
    for (let waited = 0; (await portStatus()) !== PortStatus.ACTIVE;) {
      waited += 1;
      if (waited > 100) throw new Error('the port did not become ACTIVE');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const bound = await portal.ports.getPort({ name: port });
    const leaf = await fabric.readState('leaf2');
    expect(leaf.l2Vnis.flatMap((l2) => l2.interfaces)).toContain(bound.binding?.interface);

    const { rows } = await database.query<{ metadata: { actor?: string; correlationId?: string } }>(
      `SELECT metadata FROM event_store.events WHERE stream_name = $1 AND event_type = 'SagaRetried'`,
      [`saga-${sagaId}`],
    );
    expect(rows).toEqual([
      { metadata: expect.objectContaining({ actor: 'ops:alice', correlationId: sagaId }) },
    ]);
    // From the saga to the audit trace of the call that started it: the port's create, its
    // saga's steps with their idempotency keys, the operator's retry with its reason.
    await page.click('#audit-trace');
    await page.waitForSelector('#trace-sagas');
    expect(await page.textContent('#trace-call')).toContain('PortService/CreatePort');
    expect(await page.textContent('#trace-call')).toContain('portal:');
    expect(await page.textContent('#trace-events')).toContain('PortCreated');
    const traced = (await page.textContent(`#trace-sagas [data-saga="${sagaId}"]`)) ?? '';
    for (const step of ['create-vrf', 'configure-bgp-evpn', 'bind-port']) {
      expect(traced).toContain(`${sagaId}:${step}`);
    }
    expect(traced).toContain('SagaRetried');
    expect(traced).toContain('leaf2 replaced its line card');
    expect(await page.textContent('#trace-end-state')).toContain('"status":"ACTIVE"');
    await page.screenshot({ path: join(screenshots, 'audit-trace.png'), fullPage: true });

    // The audit log shows the retry with the operator as actor and the reason.
    const auditor = await engine.clientsAs('auditor');
    const retries = await auditor.audit.listChanges({
      tenant: '',
      resource: '',
      actor: 'ops:alice',
      requestId: '',
      correlationId: sagaId,
      eventType: 'SagaRetried',
      startTime: null,
      endTime: null,
      oldestFirst: true,
      pageSize: 10,
      pageToken: '',
    });
    expect(retries.changes).toEqual([
      expect.objectContaining({
        role: 'ops',
        subject: 'alice',
        action: 'saga provision-port',
        resource: `sagas/${sagaId}`,
      }),
    ]);
    expect(retries.changes[0]?.changes).toEqual(
      expect.arrayContaining([
        { field: 'reason', beforeJson: '', afterJson: '"leaf2 replaced its line card"' },
      ]),
    );
    await page.close();
  });

  it('aborts a parked saga: its work is undone and the device ends as before', async () => {
    const page = await signedIn('portal', 'portal-svc');
    const leafBefore = await fabric.readState('leaf3');
    const sagaId = await parkedPort('leaf3', 'p-abort');
    await reached(sagaId, 'parked', 60_000);
    await page.goto(`${base()}/#/sagas/${encodeURIComponent(sagaId)}`);
    await page.waitForSelector('#saga-actions');
    await page.fill('#action-reason', 'not needed any more');
    await page.click('#abort');
    await page.waitForSelector('h1 [data-status="failed"]', { timeout: 20_000 });
    expect(await page.textContent('#timeline')).toContain('SagaAborted');
    expect(await fabric.readState('leaf3')).toEqual(leafBefore);
    await page.close();
  });

  it('shows an auditor everything and lets them do nothing', async () => {
    const page = await signedIn('auditor', 'carol');
    expect(await page.textContent('#actor')).toContain('read only');
    await page.goto(`${base()}/#/sagas`);
    await page.waitForSelector('#saga-results a');
    expect(await page.$('#batch')).toBeNull();
    const sagaId = (await page.getAttribute('#saga-results tbody a', 'href'))?.replace(
      '#/sagas/',
      '',
    );
    await page.click('#saga-results tbody a');
    await page.waitForSelector('#timeline');
    expect(await page.$('#saga-actions')).toBeNull();
    const forged = await page.evaluate(async (id) => {
      const session = (await (await fetch('/api/dashboard/session')).json()) as {
        csrfToken: string;
      };
      const response = await fetch(`/api/dashboard/sagas/${id}/actions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken },
        body: JSON.stringify({ action: 'abort', reason: 'forged' }),
      });
      return { status: response.status, body: await response.text() };
    }, sagaId ?? '');
    expect(forged).toMatchObject({
      status: 403,
      body: expect.stringContaining('may read but not act'),
    });
    await page.close();
  });

  it('refuses an action without the session CSRF token', async () => {
    const page = await signedIn('ops', 'mallory-target');
    const status = await page.evaluate(async () => {
      const response = await fetch('/api/dashboard/batch', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ action: 'abort', reason: 'x', filter: {} }),
      });
      return response.status;
    });
    expect(status).toBe(403);
    await page.close();
  });

  it('renders every view (screenshots in test-results/dashboard)', async () => {
    await portal.ports.createPort({
      parent: SUBNET,
      portId: 'p-ok',
      port: boundPortBody('leaf1'),
      requestId: '',
    });
    await reached(await sagaOfPort(`${SUBNET}/ports/p-ok`), 'completed', 20_000);
    const parked = await parkedPort('leaf4', 'p-parked');
    await reached(parked, 'parked', 60_000);
    const page = await signedIn('ops', 'alice');
    await page.goto(`${base()}/#/overview`);
    await page.waitForSelector(`#parked a[href="#/sagas/${parked}"]`);
    expect(await page.textContent('#saga-states')).toContain('provision-port');
    expect(await page.textContent('#parked')).toContain('deleteVrf failed');
    expect(await page.textContent('#drift')).toContain('leaf1');
    await page.screenshot({ path: join(screenshots, 'overview.png'), fullPage: true });
    await page.goto(`${base()}/#/sagas`);
    await page.waitForSelector('#saga-results tbody tr');
    await page.screenshot({ path: join(screenshots, 'sagas.png'), fullPage: true });
    await page.goto(`${base()}/#/fabric`);
    await page.waitForSelector('[data-device="leaf1"]');
    expect(await page.textContent('[data-device="leaf1"]')).toContain('swp1');
    await page.screenshot({ path: join(screenshots, 'fabric.png'), fullPage: true });
    await page.close();
  });

  it('repairs a device from the Fabric view: recorded with the operator and the reason', async () => {
    const intended = await fabric.readState('leaf1');
    await fabric.tamper('leaf1', (state) => ({
      ...state,
      l2Vnis: state.l2Vnis.map((l2) => ({ ...l2, interfaces: [] })),
    }));
    const page = await signedIn('ops', 'alice');
    // The Fabric view reads the devices at most every 2 s: it shows the drift on a later load.
    for (let loads = 0; ; loads += 1) {
      await page.goto(`${base()}/#/fabric?load=${loads}`);
      await page.waitForSelector('[data-device="leaf1"]');
      if (await page.$('[data-repair="leaf1"]')) break;
      if (loads > 20) throw new Error('the Fabric view never showed leaf1 drifting');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await page.click('[data-repair="leaf1"]'); // no reason: refused
    await page.waitForSelector('[data-repair-status="leaf1"] >> text=a reason is required');
    await page.fill('[data-repair-reason="leaf1"]', 'swp1 was cleared by hand');
    await page.click('[data-repair="leaf1"]');
    await page.waitForSelector('[data-repair-status="leaf1"] >> text=repair started');
    const sagaId = ((await page.textContent('[data-repair-status="leaf1"] a')) ?? '').trim();
    expect(sagaId).toMatch(/^repair-leaf1-/);
    await reached(sagaId, 'completed', 20_000);
    expect(await fabric.readState('leaf1')).toEqual(intended);

    const auditor = await engine.clientsAs('auditor');
    const repairs = await auditor.audit.listChanges({
      tenant: '',
      resource: '',
      actor: 'ops:alice',
      requestId: '',
      correlationId: '',
      eventType: 'FabricRepairRequested',
      startTime: null,
      endTime: null,
      oldestFirst: true,
      pageSize: 10,
      pageToken: '',
    });
    expect(repairs.changes).toEqual([
      expect.objectContaining({ kind: 'fabric-repair', action: 'Dashboard/RepairDevice' }),
    ]);
    const fields = Object.fromEntries(
      repairs.changes[0]!.changes.map((change) => [change.field, JSON.parse(change.afterJson)]),
    );
    expect(fields).toMatchObject({
      reason: 'swp1 was cleared by hand',
      devices: ['leaf1'],
      sagaIds: [sagaId],
    });
    // The saga's trace link leads to the repair: the operator and the reason.
    await page.goto(`${base()}/#/sagas/${encodeURIComponent(sagaId)}`);
    await page.click('#audit-trace');
    await page.waitForSelector('#trace-call');
    expect(await page.textContent('#trace-call')).toContain('swp1 was cleared by hand');
    expect(await page.textContent('#trace-call')).toContain('ops:alice');
    await page.close();
  });

  it('never writes a token it was given to its log', () => {
    const log = engine.process.output();
    expect(log).toContain('dashboard sign-in');
    expect(minted.length).toBeGreaterThan(4);
    for (const jwt of minted) expect(log).not.toContain(jwt.split('.')[2]);
  });

  it('stops cleanly on SIGTERM while a dashboard is open, even one that reconnects meanwhile, and the page then asks to sign in again', async () => {
    const page = await signedIn('ops', 'alice');
    await page.waitForSelector('#live.on');
    // A Watch stream holds the gRPC drain for the whole grace (3 s here): long enough for the
    // page's event stream, ended first, to reconnect (it retries after 1 s) before HTTP closes.
    const watch = portal.watch.watch({ parent: 'tenants/acme' });
    watch.on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await engine.restart('SIGTERM');
    expect(engine.process.output()).not.toContain('Loom engine stopped'); // the new process
    expect(Date.now() - started).toBeLessThan(20_000);
    watch.cancel();
    // Sessions live in the engine's memory: the page, refused, finds its session gone.
    await page.waitForSelector('#sign-in', { timeout: 20_000 });
    expect(await page.textContent('#main')).toContain('Your session ended');
    await page.close();
  });
});
