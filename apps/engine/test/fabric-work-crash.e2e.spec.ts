import { join } from 'node:path';
import { Client } from 'pg';
import type { Operation } from '@loom/api-contract';
import { openFileBackedFabric, type FabricState } from '@loom/fabric';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import {
  boundPortBody,
  createVpcSubnet,
  finished,
  tenantBody,
} from '../../../test/support/network-fixtures';

const tenant = 'tenants/acme';
const subnet = `${tenant}/vpcs/v/subnets/s`;
const portCount = 24;
/** Port i on leaf 1 + i mod 4, on an interface of its own there. */
const placement = (index: number) => ({
  leaf: `leaf${1 + (index % 4)}`,
  switchInterface: `swp${1 + Math.floor(index / 4)}`,
});
const apiOnly = { LOOM_SAGA_WORKERS: '0' };
const full = { LOOM_SAGA_WORKERS: '1' };

/** Claims as the log holds them: each claim event counts +1, its release -1, per claimed thing. */
async function heldClaims(client: Client) {
  const held = async (streams: string, claim: string, release: string, key: string) => {
    const { rows } = await client.query<{ key: string; value: string }>(
      `SELECT ${key} AS key, max(${claimValue(claim)}) AS value FROM event_store.events
       WHERE stream_name LIKE $1 AND event_type IN ($2, $3)
         AND coalesce(data->>'resource', 'ports') = 'ports'
       GROUP BY 1 HAVING sum(CASE WHEN event_type = $2 THEN 1 ELSE -1 END) > 0 ORDER BY 1`,
      [streams, claim, release],
    );
    return Object.fromEntries(rows.map((row) => [row.key, row.value]));
  };
  return {
    /** owner of a unit of port quota (the create's operation) -> `ports`. */
    quota: await held('tenant-acme', 'TenantQuotaClaimed', 'TenantQuotaReleased', "data->>'owner'"),
    /** port id -> its address in the subnet. */
    addresses: await held(
      'subnet-acme/%',
      'SubnetAddressAllocated',
      'SubnetAddressReleased',
      "data->>'portId'",
    ),
    /** port name -> leaf/VLAN. */
    vlans: await held('leaf-vlans-%', 'LeafVlanBound', 'LeafVlanUnbound', "data->>'port'"),
  };
}

function claimValue(claim: string): string {
  if (claim === 'TenantQuotaClaimed') return "data->>'resource'";
  if (claim === 'SubnetAddressAllocated') return "data->>'ip'";
  return "(data->>'leaf') || '/' || (data->>'vlan')";
}

/** What the resources hold: the same three maps, from the API and the operations that made them. */
async function resourceClaims(portal: LoomClients) {
  const { ports } = await portal.ports.listPorts({ parent: subnet, pageSize: 100, pageToken: '' });
  const { operations } = await portal.operations.listOperations({
    parent: tenant,
    pageSize: 1000,
    pageToken: '',
  });
  const names = new Set(ports.map((port) => port.name));
  const creates = operations.filter((op) => op.verb === 'create' && names.has(op.target));
  return {
    quota: Object.fromEntries(creates.map((op) => [op.name, 'ports'])),
    addresses: Object.fromEntries(ports.map((port) => [port.name.split('/').at(-1), port.fixedIp])),
    vlans: Object.fromEntries(
      ports.map((port) => [
        port.name,
        port.binding ? `${port.binding.leafSwitch}/${port.binding.vlan}` : 'unbound',
      ]),
    ),
  };
}

/** The interfaces of each leaf bound to an L2 VNI, and its VRFs. */
function configured(state: FabricState) {
  return Object.fromEntries(
    Object.entries(state)
      .filter(([device]) => device.startsWith('leaf'))
      .map(([device, configuration]) => [
        device,
        {
          vrfs: configuration.vrfs.length,
          interfaces: configuration.l2Vnis.flatMap((l2Vni) => l2Vni.interfaces).sort(),
        },
      ]),
  );
}

async function count(client: Client, sql: string, parameters: unknown[] = []): Promise<number> {
  const { rows } = await client.query<{ count: string }>(sql, parameters);
  return Number(rows[0]?.count);
}

describe(
  'fabric work recorded in the commit of port intents: an API-only engine (LOOM_SAGA_WORKERS=0 ' +
    'runs no saga worker and no fabric work dispatcher) commits the intents and is killed with ' +
    'SIGKILL before any of their sagas has started; a full engine started on the same database ' +
    'starts them from the log, and no claim outlives its resource',
  () => {
    let engine: TestEngine;

    beforeAll(async () => {
      engine = await startTestEngine(apiOnly);
      const portal = await engine.clientsAs('portal');
      await portal.tenants.createTenant({
        tenantId: 'acme',
        tenant: tenantBody({ vpcs: 2, subnets: 2, ports: 100 }),
        requestId: '',
      });
      // Done at once: a VPC and a subnet need no fabric work until a port is bound.
      await createVpcSubnet(portal, tenant, 'v', '10.0.0.0/16', 's', '10.0.1.0/24');
    });
    afterAll(async () => {
      await engine.stop();
    });

    /** The engine's embedded database: it stops and starts with the engine. */
    async function inDatabase<T>(work: (client: Client) => Promise<T>): Promise<T> {
      const client = new Client({ connectionString: await engine.databaseUrl() });
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.end();
      }
    }
    const sagasOf = (type: string) =>
      inDatabase((client) =>
        count(client, `SELECT count(*) FROM sagas.instances WHERE type = $1`, [type]),
      );
    const requestsOf = (type: string) =>
      inDatabase((client) =>
        count(
          client,
          `SELECT count(*) FROM event_store.events
           WHERE event_type = 'FabricWorkRequested' AND data->>'sagaType' = $1`,
          [type],
        ),
      );
    const claimsHeld = () => inDatabase(heldClaims);
    const fabricState = async () =>
      (await openFileBackedFabric({ directory: join(engine.dataDir, 'fabric') })).snapshot();

    it('provisions every port created before the kill, once a full engine runs', async () => {
      let portal = await engine.clientsAs('portal');
      const created: Operation[] = await Promise.all(
        Array.from({ length: portCount }, (_, index) => {
          const { leaf, switchInterface } = placement(index);
          return portal.ports.createPort({
            parent: subnet,
            portId: `p${index}`,
            port: boundPortBody(leaf, switchInterface),
            requestId: '',
          });
        }),
      );
      expect(created.map((operation) => operation.done)).toEqual(created.map(() => false));
      // Committed with their fabric work; not one saga started: the kill lands in between.
      expect(await requestsOf('provision-port')).toBe(portCount);
      expect(await sagasOf('provision-port')).toBe(0);
      expect(await claimsHeld()).toEqual(await resourceClaims(portal));
      expect(configured(await fabricState())).toEqual({
        leaf1: { vrfs: 0, interfaces: [] },
        leaf2: { vrfs: 0, interfaces: [] },
        leaf3: { vrfs: 0, interfaces: [] },
        leaf4: { vrfs: 0, interfaces: [] },
      });

      await engine.restart('SIGKILL', full);
      portal = await engine.clientsAs('portal');
      const done = await Promise.all(created.map((operation) => finished(portal, operation, 60)));
      expect(done.map((operation) => [operation.done, operation.error])).toEqual(
        created.map(() => [true, null]),
      );
      const { ports } = await portal.ports.listPorts({
        parent: subnet,
        pageSize: 100,
        pageToken: '',
      });
      expect(ports.map((port) => port.status)).toEqual(ports.map(() => 'ACTIVE'));
      expect(ports).toHaveLength(portCount);
      expect(await sagasOf('provision-port')).toBe(portCount);
      const interfacesOf = (leaf: string) =>
        Array.from({ length: portCount }, (_, index) => placement(index))
          .filter((port) => port.leaf === leaf)
          .map((port) => port.switchInterface)
          .sort();
      expect(configured(await fabricState())).toEqual({
        leaf1: { vrfs: 1, interfaces: interfacesOf('leaf1') },
        leaf2: { vrfs: 1, interfaces: interfacesOf('leaf2') },
        leaf3: { vrfs: 1, interfaces: interfacesOf('leaf3') },
        leaf4: { vrfs: 1, interfaces: interfacesOf('leaf4') },
      });
      const claims = await claimsHeld();
      expect(Object.keys(claims.addresses)).toHaveLength(portCount);
      expect(claims).toEqual(await resourceClaims(portal));
    });

    it('deprovisions every port deleted before the kill, and leaves nothing claimed', async () => {
      await engine.restart('SIGTERM', apiOnly);
      let portal = await engine.clientsAs('portal');
      const deleted: Operation[] = await Promise.all(
        Array.from({ length: portCount }, (_, index) =>
          portal.ports.deletePort({ name: `${subnet}/ports/p${index}`, etag: '', requestId: '' }),
        ),
      );
      expect(deleted.map((operation) => operation.done)).toEqual(deleted.map(() => false));
      expect(await requestsOf('deprovision-port')).toBe(portCount);
      expect(await sagasOf('deprovision-port')).toBe(0);
      // The claims went with the ports, in the same commits; the devices still hold them.
      expect(await claimsHeld()).toEqual({ quota: {}, addresses: {}, vlans: {} });
      expect(configured(await fabricState())['leaf1']?.interfaces).toHaveLength(portCount / 4);

      await engine.restart('SIGKILL', full);
      portal = await engine.clientsAs('portal');
      const done = await Promise.all(deleted.map((operation) => finished(portal, operation, 60)));
      expect(done.map((operation) => [operation.done, operation.error])).toEqual(
        deleted.map(() => [true, null]),
      );
      expect(await sagasOf('deprovision-port')).toBe(portCount);
      expect(configured(await fabricState())).toEqual({
        leaf1: { vrfs: 0, interfaces: [] },
        leaf2: { vrfs: 0, interfaces: [] },
        leaf3: { vrfs: 0, interfaces: [] },
        leaf4: { vrfs: 0, interfaces: [] },
      });
      expect(await resourceClaims(portal)).toEqual({ quota: {}, addresses: {}, vlans: {} });
      expect(await claimsHeld()).toEqual({ quota: {}, addresses: {}, vlans: {} });
    });
  },
);
