import { randomUUID } from 'node:crypto';
import type { Operation } from '@loom/api-contract';
import type { LoomClients } from '../../test/support/grpc-client';
import {
  boundPortBody,
  subnetBody,
  tenantBody,
  vpcBody,
} from '../../test/support/network-fixtures';
import type { IntentMethod } from './ledger';
import { weighted } from './random';
import type { TenantView } from './tenant-view';

/** One intent, ready to send (and resend with the same request_id) to any engine. */
export interface PlannedIntent {
  readonly method: IntentMethod;
  readonly tenant: string;
  readonly name: string;
  readonly requestId: string | undefined;
  readonly displayName: string | undefined;
  /** `portal`: needs the portal's token (tenants); else the tenant's own. */
  readonly role: 'portal' | 'tenant';
  send(clients: LoomClients, deadline: number): Promise<unknown>;
  /** What the client's view learns from an OK. */
  acked(view: TenantView): void;
}

const mix = {
  createPort: 30,
  deletePort: 12,
  updatePort: 4,
  createSubnet: 10,
  deleteSubnet: 6,
  updateSubnet: 3,
  createVpc: 6,
  deleteVpc: 4,
  updateVpc: 3,
  scratchTenant: 4,
  updateTenant: 2,
};

export const tenantQuota = { vpcs: 4, subnets: 8, ports: 24 };
const mask = (paths: string[]) => ({ paths }) as never;

/** The next intent of an open-loop client, chosen by weight from what its view holds. */
export function planIntent(view: TenantView, random: () => number): PlannedIntent {
  const tenant = view.tenant;
  const label = `d${Math.floor(random() * 1e9)}`;
  const base = { tenant, displayName: undefined, role: 'tenant' as const, acked: () => {} };
  const choice = weighted(mix, random);
  const vpc = view.pick(view.vpcs.keys(), random);
  const subnet = view.pick(view.subnets.keys(), random);
  const port = view.pick(view.ports, random);
  if ((choice === 'createPort' || choice === 'updateSubnet') && subnet) {
    if (choice === 'updateSubnet') return update('UpdateSubnet', subnet, label, base);
    const name = `${subnet}/ports/${view.nextId('p')}`;
    const requestId = randomUUID();
    const leaf = `leaf${1 + Math.floor(random() * 4)}`;
    const port = boundPortBody(leaf, `swp${1 + Math.floor(random() * 48)}`);
    return {
      ...base,
      method: 'CreatePort',
      name,
      requestId,
      send: (clients, deadline) =>
        clients.ports.createPort(
          { parent: subnet, portId: name.split('/').pop() ?? '', port, requestId },
          { deadline },
        ),
      acked: (v) => {
        v.created('port', name);
      },
    };
  }
  if ((choice === 'deletePort' || choice === 'updatePort') && port) {
    if (choice === 'updatePort') return update('UpdatePort', port, label, base);
    return remove('DeletePort', port, base, (v) => {
      v.deleted('port', port);
    });
  }
  if ((choice === 'createSubnet' || choice === 'updateVpc') && vpc) {
    if (choice === 'updateVpc') return update('UpdateVpc', vpc, label, base);
    const name = `${vpc}/subnets/${view.nextId('s')}`;
    const requestId = randomUUID();
    const body = subnetBody(view.subnetCidr(vpc, random));
    return {
      ...base,
      method: 'CreateSubnet',
      name,
      requestId,
      send: (clients, deadline) =>
        clients.subnets.createSubnet(
          { parent: vpc, subnetId: name.split('/').pop() ?? '', subnet: body, requestId },
          { deadline },
        ),
      acked: (v) => {
        v.created('subnet', name);
      },
    };
  }
  if (choice === 'deleteSubnet' && subnet) {
    return remove('DeleteSubnet', subnet, base, (v) => {
      v.deleted('subnet', subnet);
    });
  }
  if (choice === 'deleteVpc' && vpc) {
    return remove('DeleteVpc', vpc, base, (v) => {
      v.deleted('vpc', vpc);
    });
  }
  if (choice === 'updateTenant') {
    return { ...update('UpdateTenant', `tenants/${tenant}`, label, base), role: 'portal' };
  }
  if (choice === 'scratchTenant') return scratchTenant(view, random);
  const id = view.nextId('v');
  const name = `tenants/${tenant}/vpcs/${id}`;
  const requestId = randomUUID();
  const body = vpcBody([view.vpcCidr(id)]);
  return {
    ...base,
    method: 'CreateVpc',
    name,
    requestId,
    send: (clients, deadline) =>
      clients.vpcs.createVpc(
        { parent: `tenants/${tenant}`, vpcId: id, vpc: body, requestId },
        { deadline },
      ),
    acked: (v) => {
      v.created('vpc', name);
    },
  };
}

type Base = Pick<PlannedIntent, 'tenant' | 'role' | 'acked' | 'displayName'>;

function remove(
  method: 'DeletePort' | 'DeleteSubnet' | 'DeleteVpc',
  name: string,
  base: Base,
  acked: (view: TenantView) => void,
): PlannedIntent {
  const requestId = randomUUID();
  const request = { name, etag: '', requestId };
  return {
    ...base,
    method,
    name,
    requestId,
    acked,
    send: (clients, deadline): Promise<Operation> =>
      method === 'DeletePort'
        ? clients.ports.deletePort(request, { deadline })
        : method === 'DeleteSubnet'
          ? clients.subnets.deleteSubnet(request, { deadline })
          : clients.vpcs.deleteVpc(request, { deadline }),
  };
}

function update(
  method: 'UpdatePort' | 'UpdateSubnet' | 'UpdateVpc' | 'UpdateTenant',
  name: string,
  displayName: string,
  base: Base,
): PlannedIntent {
  const updateMask = mask(['display_name']);
  return {
    ...base,
    method,
    name,
    requestId: undefined,
    displayName,
    send: (clients, deadline) => {
      const body = { name, displayName };
      switch (method) {
        case 'UpdatePort':
          return clients.ports.updatePort({ port: body as never, updateMask }, { deadline });
        case 'UpdateSubnet':
          return clients.subnets.updateSubnet({ subnet: body as never, updateMask }, { deadline });
        case 'UpdateVpc':
          return clients.vpcs.updateVpc({ vpc: body as never, updateMask }, { deadline });
        case 'UpdateTenant':
          return clients.tenants.updateTenant({ tenant: body as never, updateMask }, { deadline });
      }
    },
  };
}

/** A tenant of the portal's, created and soon deleted: tenants are a resource kind too. */
function scratchTenant(view: TenantView, random: () => number): PlannedIntent {
  const id = `${view.tenant}-${view.nextId('t')}`;
  if (random() < 0.5 || !lastScratch.has(view.tenant)) {
    lastScratch.set(view.tenant, id);
    const requestId = randomUUID();
    return {
      method: 'CreateTenant',
      tenant: id,
      name: `tenants/${id}`,
      requestId,
      displayName: undefined,
      role: 'portal',
      acked: () => {},
      send: (clients, deadline) =>
        clients.tenants.createTenant(
          { tenantId: id, tenant: tenantBody(tenantQuota), requestId },
          { deadline },
        ),
    };
  }
  const victim = lastScratch.get(view.tenant) ?? id;
  return {
    method: 'DeleteTenant',
    tenant: victim,
    name: `tenants/${victim}`,
    requestId: undefined,
    displayName: undefined,
    role: 'portal',
    acked: () => {},
    send: (clients, deadline) =>
      clients.tenants.deleteTenant({ name: `tenants/${victim}`, etag: '' }, { deadline }),
  };
}

const lastScratch = new Map<string, string>();
