import type { Operation } from '@loom/api-contract';
import type { LoomClients } from './grpc-client';

/** Request bodies with every field set, as proto3 clients send them. */
export const tenantBody = (quota: { vpcs: number; subnets: number; ports: number }) => ({
  name: '',
  displayName: '',
  quota: { ...quota, floatingIps: 0 },
  usage: null,
  etag: '',
  createTime: null,
  updateTime: null,
});
export const vpcBody = (cidrBlocks: string[]) => ({
  name: '',
  displayName: '',
  cidrBlocks,
  l3Vni: 0,
  vrfName: '',
  routeDistinguisher: '',
  importRouteTargets: [],
  exportRouteTargets: [],
  state: 'READY' as never,
  etag: '',
  createTime: null,
  updateTime: null,
});
export const subnetBody = (cidr: string) => ({
  name: '',
  displayName: '',
  cidr,
  gatewayIp: '',
  l2Vni: 0,
  state: 'READY' as never,
  etag: '',
  createTime: null,
  updateTime: null,
});
export const boundPortBody = (leafSwitch: string, switchInterface = 'swp1') => ({
  name: '',
  displayName: '',
  kind: 'VIRTUAL_MACHINE' as never,
  fixedIp: '',
  macAddress: '',
  binding: { host: 'hv-1', leafSwitch, interface: switchInterface, vlan: 0 },
  status: 'ACTIVE' as never,
  statusReason: '',
  etag: '',
  createTime: null,
  updateTime: null,
});

/** Waits for a long-running operation to be done (bounded), and returns it. */
export async function finished(
  clients: LoomClients,
  operation: Operation,
  seconds = 30,
): Promise<Operation> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const current = await clients.operations.waitOperation({
      name: operation.name,
      timeout: { seconds: '10', nanos: 0 },
    });
    if (current.done || Date.now() > deadline) return current;
  }
}

/** Tenant `acme` with VPC `f` (10.0.0.0/16) and its subnet `a` (10.0.1.0/24), all created and done. */
export async function createAcmeSubnet(
  portal: LoomClients,
  quota: { vpcs: number; subnets: number; ports: number },
): Promise<void> {
  await portal.tenants.createTenant({ tenantId: 'acme', tenant: tenantBody(quota), requestId: '' });
  await finished(
    portal,
    await portal.vpcs.createVpc({
      parent: 'tenants/acme',
      vpcId: 'f',
      vpc: vpcBody(['10.0.0.0/16']),
      requestId: '',
    }),
  );
  await finished(
    portal,
    await portal.subnets.createSubnet({
      parent: 'tenants/acme/vpcs/f',
      subnetId: 'a',
      subnet: subnetBody('10.0.1.0/24'),
      requestId: '',
    }),
  );
}
