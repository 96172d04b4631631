/* global document, window, fetch, EventSource, URLSearchParams, setTimeout, clearTimeout */
// Loom's operations dashboard: plain modern JavaScript, no build step, no dependency. Every value
// from the server is put in the page as text (never as HTML).

const api = '/api/dashboard';
const states = ['waiting', 'running', 'compensating', 'parked', 'completed', 'failed'];
let session;
let refreshView = async () => {};
let liveTimer;
let liveRetry;
let routeId = 0;

/** An element with attributes (on* as listeners) and children (strings as text). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'className') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof window.Node ? child : String(child));
  }
  return element;
}

const badge = (status) =>
  h('span', { className: `badge s-${status}`, 'data-status': status }, status);
const time = (iso) => (iso ? new Date(iso).toLocaleString() : '');
const shortTime = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');
const sagaLink = (sagaId) =>
  h('a', { className: 'mono nowrap', href: `#/sagas/${encodeURIComponent(sagaId)}` }, sagaId);

function table(headers, rows, empty = 'None.') {
  if (rows.length === 0) return h('p', { className: 'muted' }, empty);
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((header) =>
          h('th', { className: header.endsWith(' ') ? 'num' : '' }, header.trim()),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((cells) =>
        h(
          'tr',
          {},
          cells.map((cell) =>
            cell instanceof window.Node && cell.tagName === 'TD' ? cell : h('td', {}, cell),
          ),
        ),
      ),
    ),
  );
}
const num = (value) => h('td', { className: 'num' }, value);

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session) headers['X-CSRF-Token'] = session.csrfToken;
  const response = await fetch(api + path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401 && path !== '/session') {
    session = undefined;
    showSignIn('Your session ended: sign in again.');
    throw new Error('signed out');
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!response.ok)
    throw new Error((data && data.message) || `${response.status} ${response.statusText}`);
  return data;
}

function main(...children) {
  const element = document.getElementById('main');
  element.replaceChildren(...children.filter(Boolean));
  return element;
}

function notice(message, bad = false) {
  return h('div', { className: bad ? 'notice bad' : 'notice', role: 'status' }, message);
}

// Sign-in -----------------------------------------------------------------------------------------

function showSignIn(message) {
  document.getElementById('nav').hidden = true;
  document.getElementById('who').hidden = true;
  const token = h('textarea', {
    id: 'token',
    name: 'token',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'eyJhbGciOiJFUzI1NiIs…',
  });
  const status = h('div');
  const form = h(
    'form',
    {
      className: 'card signin',
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          session = await call('POST', '/session', { token: token.value.trim() });
          token.value = '';
          start();
        } catch (error) {
          status.replaceChildren(notice(error.message, true));
        }
      },
    },
    h('h1', {}, 'Sign in'),
    h(
      'p',
      { className: 'muted' },
      'Paste an access token of role ops, portal or auditor (',
      h('code', {}, 'loomctl token mint --role ops'),
      '). It is sent once and exchanged for a session cookie that ends when the token expires.',
    ),
    message ? notice(message, true) : null,
    status,
    token,
    h('p', {}, h('button', { type: 'submit', id: 'sign-in' }, 'Sign in')),
  );
  main(form);
  stopLive();
}

// Overview ----------------------------------------------------------------------------------------

async function overview() {
  const data = await call('GET', '/overview');
  const kinds = [...new Set(data.sagas.map((row) => row.type))].sort();
  const countOf = (kind, state) =>
    data.sagas
      .filter((row) => row.type === kind && row.status === state)
      .reduce((sum, row) => sum + row.count, 0);
  const total = (state) =>
    data.sagas.filter((row) => row.status === state).reduce((sum, row) => sum + row.count, 0);
  const lagTotal = data.projections.reduce((sum, projection) => sum + projection.lagEvents, 0);
  const drifting = data.drift.filter((device) => device.differences > 0).length;
  return [
    h('h1', {}, 'Overview'),
    h(
      'div',
      { className: 'grid' },
      h(
        'section',
        { className: 'card wide', id: 'saga-states' },
        h('h2', {}, 'Sagas by state and kind'),
        h(
          'div',
          { className: 'stats' },
          states.map((state) =>
            h(
              'div',
              {},
              h('span', {}, state),
              h('a', { className: 'big', href: `#/sagas?state=${state}` }, total(state)),
            ),
          ),
        ),
        table(
          ['kind', ...states.map((state) => `${state} `)],
          kinds.map((kind) => [kind, ...states.map((state) => num(countOf(kind, state)))]),
          'No sagas yet.',
        ),
      ),
      h(
        'section',
        { className: 'card wide', id: 'parked' },
        h('h2', {}, `Parked: needing attention (${data.parked.count})`),
        table(
          ['saga', 'step', 'reason'],
          data.parked.newest.map((saga) => [
            sagaLink(saga.sagaId),
            saga.currentStep ?? '',
            h('span', { className: 'error' }, saga.lastError ?? ''),
          ]),
          'Nothing parked.',
        ),
      ),
      h(
        'section',
        { className: 'card', id: 'in-flight' },
        h('h2', {}, 'In flight per leaf'),
        table(
          ['leaf', 'sagas '],
          data.inFlightByLeaf.map((row) => [
            row.leaf
              ? h(
                  'a',
                  {
                    href: `#/sagas?leaf=${encodeURIComponent(row.leaf)}&state=waiting,running,compensating`,
                  },
                  row.leaf,
                )
              : '(no leaf)',
            num(row.count),
          ]),
          'Nothing in flight.',
        ),
      ),
      h(
        'section',
        { className: 'card', id: 'api' },
        h('h2', {}, 'API'),
        h(
          'div',
          { className: 'stats' },
          h(
            'div',
            {},
            h('span', {}, 'requests/s'),
            h('b', { className: 'big' }, data.api.ratePerSecond.toFixed(1)),
          ),
          h(
            'div',
            {},
            h('span', {}, 'errors/s'),
            h(
              'b',
              { className: data.api.errorsPerSecond > 0 ? 'big error' : 'big' },
              data.api.errorsPerSecond.toFixed(2),
            ),
          ),
          h('div', {}, h('span', {}, 'requests'), h('b', { className: 'big' }, data.api.requests)),
          h('div', {}, h('span', {}, 'errors'), h('b', { className: 'big' }, data.api.errors)),
        ),
        h(
          'p',
          { className: 'muted' },
          `Rates over the last ${data.api.windowSeconds} s, from the counters /metrics exports.`,
        ),
      ),
      h(
        'section',
        { className: 'card', id: 'projections' },
        h('h2', {}, `Projection lag (${lagTotal} events)`),
        table(
          ['projection', 'lag '],
          data.projections.map((projection) => [projection.name, num(projection.lagEvents)]),
        ),
      ),
      h(
        'section',
        { className: 'card', id: 'drift' },
        h('h2', {}, `Drift per device (${drifting} drifting)`),
        table(
          ['device', 'differences '],
          data.drift.map((device) => [
            h('a', { href: `#/fabric?device=${encodeURIComponent(device.device)}` }, device.device),
            num(device.reachable ? device.differences : 'unreachable'),
          ]),
        ),
      ),
    ),
  ];
}

// Sagas -------------------------------------------------------------------------------------------

const filterFields = ['state', 'kind', 'leaf', 'tenant', 'resource', 'from', 'to', 'sort'];

function sagasView(params) {
  const cursors = [];
  let cursor = params.get('cursor') ?? undefined;
  const results = h('div', { id: 'saga-results' });
  const input = (name, label, attributes = {}) =>
    h('label', {}, label, h('input', { name, value: params.get(name) ?? '', ...attributes }));
  const stateSelect = h(
    'select',
    { name: 'state' },
    h('option', { value: '' }, 'any'),
    states.map((state) =>
      h('option', { value: state, selected: params.get('state') === state }, state),
    ),
  );
  const sortSelect = h(
    'select',
    { name: 'sort' },
    ['newest', 'oldest', 'updated'].map((sort) =>
      h(
        'option',
        { value: sort, selected: (params.get('sort') ?? 'newest') === sort },
        sort === 'updated' ? 'recently updated' : `${sort} first`,
      ),
    ),
  );
  const form = h(
    'form',
    {
      className: 'filters card',
      id: 'saga-filters',
      onsubmit: (event) => {
        event.preventDefault();
        const next = new URLSearchParams();
        for (const [name, value] of new window.FormData(form)) if (value) next.set(name, value);
        window.location.hash = `#/sagas?${next}`;
      },
    },
    h('label', {}, 'state', stateSelect),
    input('kind', 'kind', { placeholder: 'provision-port' }),
    input('leaf', 'leaf', { placeholder: 'leaf1', size: 8 }),
    input('tenant', 'tenant', { placeholder: 'acme', size: 10 }),
    input('resource', 'resource (prefix)', { placeholder: 'tenants/acme/vpcs/blue', size: 28 }),
    input('from', 'created from', { type: 'datetime-local' }),
    input('to', 'created before', { type: 'datetime-local' }),
    h('label', {}, 'sort', sortSelect),
    h('button', { type: 'submit' }, 'Apply'),
    h('a', { href: '#/sagas' }, 'clear'),
  );
  const query = () => {
    const q = new URLSearchParams();
    for (const name of filterFields) {
      let value = params.get(name);
      if (value && (name === 'from' || name === 'to')) value = new Date(value).toISOString();
      if (value) q.set(name, value);
    }
    q.set('limit', '50');
    if (cursor) q.set('cursor', cursor);
    return q;
  };
  const load = async () => {
    const page = await call('GET', `/sagas?${query()}`);
    const rows = page.sagas.map((saga) => [
      h('span', { className: 'mono nowrap' }, shortTime(saga.createdAt)),
      sagaLink(saga.sagaId),
      saga.kind,
      badge(saga.status),
      saga.leaf ?? '',
      saga.tenant ?? '',
      h(
        'span',
        { className: 'truncate mono', title: saga.resource ?? '' },
        saga.resource ?? saga.resourceKey,
      ),
      saga.currentStep ?? '',
      h('span', { className: 'error truncate', title: saga.lastError ?? '' }, saga.lastError ?? ''),
    ]);
    results.replaceChildren(
      table(
        ['created', 'saga', 'kind', 'state', 'leaf', 'tenant', 'resource', 'step', 'last error'],
        rows,
        'No saga matches.',
      ),
      h(
        'div',
        { className: 'pager' },
        h(
          'button',
          {
            type: 'button',
            className: 'secondary',
            disabled: cursors.length === 0,
            onclick: () => {
              cursor = cursors.pop();
              void load();
            },
          },
          '← Previous',
        ),
        h(
          'button',
          {
            type: 'button',
            className: 'secondary',
            id: 'next-page',
            disabled: !page.nextCursor,
            onclick: () => {
              cursors.push(cursor);
              cursor = page.nextCursor;
              void load();
            },
          },
          'Next →',
        ),
        h('span', { className: 'muted' }, `page ${cursors.length + 1}`),
      ),
    );
  };
  refreshView = load;
  const parts = [h('h1', {}, 'Sagas'), form];
  if (session.canAct)
    parts.push(
      batchPanel(() =>
        Object.fromEntries(
          [...query()].filter(([name]) => filterFields.includes(name) && name !== 'sort'),
        ),
      ),
    );
  parts.push(h('section', { className: 'card' }, results));
  return { parts, load };
}

function batchPanel(filter) {
  const action = h(
    'select',
    { name: 'batch-action' },
    ['retry', 'abort', 'resolve'].map((name) => h('option', { value: name }, name)),
  );
  const reason = h('input', {
    name: 'batch-reason',
    placeholder: 'reason (recorded with your name)',
    size: 36,
  });
  const status = h('span', { className: 'muted' });
  let previewed;
  const apply = h(
    'button',
    {
      type: 'button',
      className: 'danger',
      disabled: true,
      onclick: async () => {
        try {
          const result = await call('POST', '/batch', {
            action: action.value,
            filter: filter(),
            reason: reason.value,
          });
          status.textContent = `${action.value}: ${result.applied.length} applied, ${result.refused.length} refused`;
          apply.disabled = true;
          await refreshView();
        } catch (error) {
          status.textContent = error.message;
        }
      },
    },
    'Apply to all',
  );
  const preview = h(
    'button',
    {
      type: 'button',
      className: 'secondary',
      onclick: async () => {
        try {
          previewed = await call('POST', '/batch/preview', {
            action: action.value,
            filter: filter(),
          });
          status.textContent = `${previewed.action} would touch ${previewed.count} saga(s) matching this filter`;
          apply.disabled = previewed.count === 0;
        } catch (error) {
          status.textContent = error.message;
        }
      },
    },
    'Preview',
  );
  action.addEventListener('change', () => {
    apply.disabled = true;
    status.textContent = '';
  });
  return h(
    'div',
    { className: 'actions card', id: 'batch' },
    h('b', {}, 'Batch action'),
    action,
    reason,
    preview,
    apply,
    status,
  );
}

// Saga detail -------------------------------------------------------------------------------------

function sagaView(sagaId) {
  const body = h('div');
  const message = h('div');
  // Built once: a live reload must not wipe a reason being typed.
  let actions;
  const load = async () => {
    const detail = await call('GET', `/sagas/${encodeURIComponent(sagaId)}`);
    const saga = detail.saga;
    const parts = [
      h('h1', {}, 'Saga ', h('span', { className: 'mono' }, saga.sagaId), ' ', badge(saga.status)),
      h(
        'div',
        { className: 'grid two' },
        h(
          'section',
          { className: 'card' },
          h('h2', {}, 'What it serves'),
          h(
            'dl',
            { className: 'kv' },
            h('dt', {}, 'kind'),
            h('dd', {}, saga.kind),
            h('dt', {}, 'resource'),
            h('dd', { className: 'mono' }, saga.resource ?? '—'),
            h('dt', {}, 'operation'),
            h('dd', { className: 'mono' }, saga.operation ?? '—'),
            h('dt', {}, 'tenant'),
            h('dd', {}, saga.tenant ?? '—'),
            h('dt', {}, 'leaf'),
            h(
              'dd',
              {},
              saga.leaf
                ? h('a', { href: `#/fabric?device=${encodeURIComponent(saga.leaf)}` }, saga.leaf)
                : '—',
            ),
            h('dt', {}, 'resource key'),
            h('dd', { className: 'mono' }, saga.resourceKey),
            h('dt', {}, 'created'),
            h('dd', {}, time(saga.createdAt)),
            h('dt', {}, 'updated'),
            h('dd', {}, time(saga.updatedAt)),
            h('dt', {}, 'audit'),
            h(
              'dd',
              {},
              h('a', { href: detail.auditTrace, id: 'audit-trace' }, 'audit trace of this saga'),
            ),
          ),
        ),
        h(
          'section',
          { className: 'card' },
          h('h2', {}, 'State'),
          detail.parked
            ? notice(
                `Parked at ${detail.parked.step ?? 'its start'} while ${detail.parked.phase}: ${detail.parked.reason}`,
                true,
              )
            : null,
          saga.lastError && !detail.parked ? h('p', { className: 'error' }, saga.lastError) : null,
          detail.outcome && detail.outcome.message ? h('p', {}, detail.outcome.message) : null,
          table(
            ['step', 'action', 'compensation'],
            detail.steps.map((step) => [
              step.name,
              stepState(step.action),
              stepState(step.compensation),
            ]),
          ),
        ),
      ),
    ];
    if (session.canAct) {
      actions ??= sagaActions(saga.sagaId, load, message);
      actions.update(saga.status);
      parts.push(actions.element);
    }
    parts.push(
      h(
        'section',
        { className: 'card', id: 'timeline' },
        h('h2', {}, 'Timeline'),
        table(
          [
            '#',
            'time',
            'event',
            'step',
            'attempt',
            'idempotency key',
            'duration ',
            'actor',
            'detail',
          ],
          detail.timeline.map((entry) => [
            num(entry.revision),
            h('span', { className: 'mono nowrap' }, shortTime(entry.at)),
            entry.type,
            entry.step ?? '',
            entry.attempt ?? '',
            h('span', { className: 'mono' }, entry.idempotencyKey ?? ''),
            num(entry.durationMs === null ? '' : `${entry.durationMs} ms`),
            entry.actor ?? '',
            eventDetail(entry),
          ]),
        ),
      ),
      h(
        'section',
        { className: 'card', id: 'device-operations' },
        h('h2', {}, 'Device operations'),
        table(
          [
            'submitted',
            'device',
            'operation',
            'idempotency key',
            'outcome',
            'duration ',
            'message',
          ],
          detail.deviceOperations.map((operation) => [
            h('span', { className: 'mono nowrap' }, shortTime(operation.submittedAt)),
            operation.device,
            operation.operation,
            h('span', { className: 'mono' }, operation.idempotencyKey),
            h(
              'span',
              {
                className:
                  operation.outcome === 'failed'
                    ? 'error'
                    : operation.outcome === 'succeeded'
                      ? 'ok'
                      : '',
              },
              operation.outcome,
            ),
            num(operation.durationMs === null ? '' : `${operation.durationMs} ms`),
            operation.message ?? '',
          ]),
          'None seen by this engine process (the timeline above is the durable record).',
        ),
      ),
    );
    body.replaceChildren(message, ...parts);
  };
  refreshView = load;
  return { parts: [body], load };
}

function stepState(state) {
  const text = state.status + (state.attempt ? ` (attempt ${state.attempt})` : '');
  return h(
    'span',
    {
      className: /Failed/.test(state.status)
        ? 'error'
        : /Succeeded|Compensated/.test(state.status)
          ? 'ok'
          : '',
    },
    text,
    state.reason ? `: ${state.reason}` : '',
  );
}

function eventDetail(entry) {
  const data = entry.data;
  if (data.reason && data.actor) return `${data.reason}`;
  if (entry.type === 'SagaParked') return h('span', { className: 'error' }, data.reason);
  if (data.reason)
    return h(
      'span',
      { className: 'error' },
      `${data.cause ?? ''} ${data.errorKind ?? ''}: ${data.reason}`,
    );
  if (data.error && data.error.reason) return h('span', { className: 'error' }, data.error.reason);
  return '';
}

function sagaActions(sagaId, reload, message) {
  const reason = h('input', {
    name: 'reason',
    id: 'action-reason',
    placeholder: 'reason (required, recorded with your name)',
    size: 44,
  });
  const act = (action) => async () => {
    try {
      await call('POST', `/sagas/${encodeURIComponent(sagaId)}/actions`, {
        action,
        reason: reason.value,
      });
      message.replaceChildren(notice(`${action} recorded`));
      await reload();
    } catch (error) {
      message.replaceChildren(notice(error.message, true));
    }
  };
  const retry = h('button', { type: 'button', id: 'retry', onclick: act('retry') }, 'Retry');
  const abort = h(
    'button',
    { type: 'button', id: 'abort', className: 'danger', onclick: act('abort') },
    'Abort (undo)',
  );
  const resolve = h(
    'button',
    { type: 'button', id: 'resolve', className: 'secondary', onclick: act('resolve') },
    'Mark resolved',
  );
  return {
    element: h(
      'section',
      { className: 'actions card', id: 'saga-actions' },
      h('b', {}, 'Operator action'),
      reason,
      retry,
      abort,
      resolve,
    ),
    update(status) {
      retry.disabled = status !== 'parked';
      resolve.disabled = status !== 'parked';
      abort.disabled = !['waiting', 'running', 'parked'].includes(status);
    },
  };
}

// Fabric ------------------------------------------------------------------------------------------

function fabricView(params) {
  const body = h('div', { className: 'grid' });
  const only = params.get('device');
  const load = async () => {
    const data = await call('GET', '/fabric');
    const devices = data.devices.filter((device) => !only || device.name === only);
    body.replaceChildren(...devices.map(deviceCard));
  };
  refreshView = load;
  return {
    parts: [
      h('h1', {}, 'Fabric', only ? ` · ${only}` : ''),
      only ? h('p', {}, h('a', { href: '#/fabric' }, 'all devices')) : null,
      body,
    ],
    load,
  };
}

function meter(used, max, label) {
  const share = max ? Math.min(100, (100 * used) / max) : 0;
  const fill = h('i');
  fill.style.width = `${share}%`; // CSSOM, which the page's CSP allows (a style attribute it would not)
  return h(
    'div',
    {},
    h('span', { className: 'muted' }, `${label} ${used} / ${max}`),
    h('div', { className: 'bar-meter' }, fill),
  );
}

function itemText(item) {
  return Object.entries(item)
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
}

const repairInputs = new Map();

function deviceCard(device) {
  const actual = device.actual ?? { vrfs: [], l2Vnis: [] };
  const parts = [
    h(
      'h2',
      {},
      device.name,
      ' ',
      h('span', { className: 'muted' }, device.role),
      ' ',
      device.reachable
        ? device.differences.length
          ? h('span', { className: 'badge s-parked' }, `${device.differences.length} drift`)
          : h('span', { className: 'badge s-completed' }, 'in sync')
        : h('span', { className: 'badge s-failed' }, 'unreachable'),
    ),
  ];
  if (device.capacity && device.used) {
    parts.push(
      h(
        'div',
        { className: 'stats' },
        meter(device.used.vrfs, device.capacity.maxVrfs, 'VRFs'),
        meter(device.used.l2Vnis, device.capacity.maxL2Vnis, 'L2 VNIs'),
        meter(device.used.l3Vnis, device.capacity.maxL3Vnis, 'L3 VNIs'),
      ),
    );
  }
  parts.push(
    h('h3', {}, 'VRFs'),
    table(
      ['VRF', 'L3 VNI', 'RD', 'BGP EVPN'],
      actual.vrfs.map((vrf) => [
        h('span', { className: 'mono' }, vrf.name),
        vrf.l3Vni,
        h('span', { className: 'mono' }, vrf.rd),
        vrf.bgpEvpn ? 'yes' : 'no',
      ]),
    ),
    h('h3', {}, 'VNIs and VLAN bindings'),
    table(
      ['L2 VNI', 'VRF', 'VLAN', 'gateway', 'interfaces'],
      actual.l2Vnis.map((vni) => [
        vni.l2Vni,
        h('span', { className: 'mono' }, vni.vrf),
        vni.vlan,
        h('span', { className: 'mono' }, vni.anycastGateway),
        vni.interfaces.join(' '),
      ]),
    ),
  );
  if (device.differences.length) {
    parts.push(
      h('h3', {}, 'Drift'),
      table(
        ['kind', 'item', 'fields'],
        device.differences.map((difference) => [
          h('span', { className: 'error' }, difference.kind),
          itemText(difference.item),
          (difference.fields ?? [])
            .map((field) => `${field.field}: intended ${field.intended}, actual ${field.actual}`)
            .join('; '),
        ]),
      ),
    );
  }
  parts.push(
    h(
      'details',
      {},
      h(
        'summary',
        {},
        `What the intent says: ${device.intended.vrfs.length} VRFs, ${device.intended.l2Vnis.length} L2 VNIs`,
      ),
      table(
        ['VRF', 'L3 VNI'],
        device.intended.vrfs.map((vrf) => [vrf.name, vrf.l3Vni]),
      ),
      table(
        ['L2 VNI', 'VRF', 'VLAN', 'interfaces'],
        device.intended.l2Vnis.map((vni) => [
          vni.l2Vni,
          vni.vrf,
          vni.vlan,
          vni.interfaces.join(' '),
        ]),
      ),
    ),
  );
  if (session.canAct && device.differences.length) {
    // Kept across live reloads, like the saga actions' reason.
    if (!repairInputs.has(device.name)) {
      repairInputs.set(device.name, {
        reason: h('input', { placeholder: 'reason', size: 24, 'data-repair-reason': device.name }),
        status: h('span', { className: 'muted', 'data-repair-status': device.name }),
      });
    }
    const { reason, status } = repairInputs.get(device.name);
    parts.push(
      h(
        'div',
        { className: 'actions' },
        reason,
        h(
          'button',
          {
            type: 'button',
            'data-repair': device.name,
            onclick: async () => {
              try {
                const { sagaId, repairId } = await call(
                  'POST',
                  `/fabric/${encodeURIComponent(device.name)}/repair`,
                  { reason: reason.value },
                );
                if (sagaId) status.replaceChildren('repair started: ', sagaLink(sagaId));
                else status.textContent = `no drift left to repair (recorded as ${repairId})`;
              } catch (error) {
                status.textContent = error.message;
              }
            },
          },
          'Repair drift',
        ),
        status,
      ),
    );
  }
  return h(
    'section',
    { className: 'card', id: `device-${device.name}`, 'data-device': device.name },
    ...parts,
  );
}

// Audit trace -------------------------------------------------------------------------------------

/** The audit trace of the call that started a saga (the same answer as AuditService/TraceCall). */
function traceView(sagaId) {
  const body = h('div', { id: 'trace' });
  const load = async () => {
    const trace = await call('GET', `/trace?sagaId=${encodeURIComponent(sagaId)}`);
    const attempts = (step, phase, list) =>
      list.map((attempt) => [
        step,
        phase,
        num(attempt.attempt),
        h('td', { className: 'mono' }, attempt.idempotencyKey),
        badge(attempt.outcome),
        attempt.reason ?? '',
        shortTime(attempt.startedAt),
      ]);
    body.replaceChildren(
      h('h1', {}, 'Audit trace of ', sagaLink(sagaId)),
      h(
        'section',
        { className: 'card', id: 'trace-call' },
        h('h2', {}, 'The call'),
        h(
          'dl',
          { className: 'kv' },
          h('dt', {}, 'who'),
          h('dd', {}, trace.actor),
          h('dt', {}, 'method'),
          h('dd', { className: 'mono' }, trace.method || '—'),
          trace.reason ? [h('dt', {}, 'reason'), h('dd', {}, trace.reason)] : null,
          h('dt', {}, 'when'),
          h('dd', {}, time(trace.at)),
          h('dt', {}, 'correlation id'),
          h('dd', { className: 'mono' }, trace.correlationId),
          h('dt', {}, 'request id'),
          h('dd', { className: 'mono' }, trace.requestId ?? '—'),
        ),
      ),
      h(
        'section',
        { className: 'card', id: 'trace-events' },
        h('h2', {}, 'What it recorded'),
        table(
          ['position ', 'time', 'event', 'resource', 'actor'],
          trace.events.map((event) => [
            num(event.position),
            shortTime(event.at),
            event.eventType,
            h('td', { className: 'mono' }, event.resource),
            event.actor,
          ]),
        ),
      ),
      h(
        'section',
        { className: 'card', id: 'trace-sagas' },
        h('h2', {}, 'Its sagas, step by step'),
        trace.sagas.map((saga) =>
          h(
            'div',
            { 'data-saga': saga.sagaId },
            h('h3', {}, sagaLink(saga.sagaId), ' ', saga.sagaType, ' ', badge(saga.status)),
            table(
              ['step', 'phase', 'attempt ', 'idempotency key', 'outcome', 'reason', 'started'],
              saga.steps.flatMap((step) => [
                ...attempts(step.step, 'action', step.attempts),
                ...attempts(step.step, 'compensation', step.compensations),
              ]),
            ),
            saga.operatorActions.length > 0
              ? table(
                  ['operator action', 'who', 'reason', 'when'],
                  saga.operatorActions.map((action) => [
                    action.type,
                    action.actor,
                    action.reason,
                    time(action.at),
                  ]),
                )
              : null,
          ),
        ),
      ),
      h(
        'section',
        { className: 'card', id: 'trace-end-state' },
        h('h2', {}, 'End state'),
        table(
          ['resource', 'kind', 'fields'],
          trace.endState.map((resource) => [
            h('td', { className: 'mono' }, resource.name),
            resource.kind,
            h('td', { className: 'mono' }, JSON.stringify(resource.fields)),
          ]),
        ),
      ),
    );
  };
  refreshView = load;
  return { parts: [body], load };
}

// Routing and live updates ------------------------------------------------------------------------

async function route() {
  const [path, search = ''] = window.location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  const segments = (path || '/overview').split('/').filter(Boolean);
  const view = segments[0] ?? 'overview';
  // A route that finishes after a newer one started must not replace it.
  const id = (routeId += 1);
  for (const link of document.querySelectorAll('nav a'))
    link.classList.toggle('active', link.dataset.view === view);
  try {
    if (view === 'trace' && segments[1]) {
      const { parts, load } = traceView(decodeURIComponent(segments.slice(1).join('/')));
      main(...parts);
      await load();
    } else if (view === 'sagas' && segments[1]) {
      const { parts, load } = sagaView(decodeURIComponent(segments.slice(1).join('/')));
      main(...parts);
      await load();
    } else if (view === 'sagas' || view === 'fabric') {
      const { parts, load } = view === 'sagas' ? sagasView(params) : fabricView(params);
      main(...parts);
      await load();
    } else {
      const render = async () => {
        const parts = await overview();
        if (id === routeId) main(...parts);
      };
      refreshView = render;
      await render();
    }
    document.body.dataset.view = view;
  } catch (error) {
    if (error.message !== 'signed out' && id === routeId) main(notice(error.message, true));
  }
}

function startLive() {
  stopLive();
  const events = new EventSource(`${api}/events`);
  const indicator = document.getElementById('live');
  events.onopen = () => indicator.classList.add('on');
  events.onerror = () => {
    indicator.classList.remove('on');
    // The browser retries a dropped stream by itself, not one the engine refused (a 503 while it
    // stops, a 401 once the session is gone): that one is opened again here.
    if (events.readyState === EventSource.CLOSED) liveRetry = setTimeout(resumeLive, 3000);
  };
  const refresh = () => {
    clearTimeout(liveTimer);
    liveTimer = setTimeout(() => void refreshView().catch(() => {}), 100);
  };
  events.addEventListener('sagas', refresh);
  events.addEventListener('tick', () => {
    if (document.body.dataset.view === 'overview') refresh();
  });
  window.loomEvents = events;
}

function stopLive() {
  clearTimeout(liveRetry);
  if (window.loomEvents) window.loomEvents.close();
  window.loomEvents = undefined;
}

/** Opens the live stream again once the engine answers; sign-in again if the session is gone. */
async function resumeLive() {
  if (!session) return;
  let response;
  try {
    response = await fetch(`${api}/session`, { credentials: 'same-origin' });
  } catch {
    response = undefined;
  }
  if (response && response.status === 401) {
    session = undefined;
    showSignIn('Your session ended: sign in again.');
    return;
  }
  if (!response || !response.ok) {
    liveRetry = setTimeout(resumeLive, 3000);
    return;
  }
  startLive();
  void refreshView().catch(() => {});
}

function start() {
  document.getElementById('nav').hidden = false;
  document.getElementById('who').hidden = false;
  document.getElementById('actor').textContent =
    `${session.actor}${session.canAct ? '' : ' (read only)'}`;
  startLive();
  void route();
}

document.getElementById('sign-out').addEventListener('click', async () => {
  await call('DELETE', '/session').catch(() => {});
  session = undefined;
  showSignIn();
});
window.addEventListener('hashchange', () => {
  if (session) void route();
});

call('GET', '/session')
  .then((current) => {
    session = current;
    start();
  })
  .catch(() => showSignIn());
