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

/**
 * Tenant `tenantId` (acme unless told) with VPC `f` (10.0.0.0/16) and its subnet `a`
 * (10.0.1.0/24), all created and done.
 */
export async function createTenantSubnet(
  portal: LoomClients,
  quota: { vpcs: number; subnets: number; ports: number },
  tenantId = 'acme',
): Promise<void> {
  await portal.tenants.createTenant({ tenantId, tenant: tenantBody(quota), requestId: '' });
  await createVpcSubnet(portal, `tenants/${tenantId}`, 'f', '10.0.0.0/16', 'a', '10.0.1.0/24');
}

/** Creates VPC `vpcId` under `tenant` with one CIDR block and its subnet `subnetId`, done. */
export async function createVpcSubnet(
  portal: LoomClients,
  tenant: string,
  vpcId: string,
  vpcCidr: string,
  subnetId: string,
  subnetCidr: string,
): Promise<void> {
  await finished(
    portal,
    await portal.vpcs.createVpc({ parent: tenant, vpcId, vpc: vpcBody([vpcCidr]), requestId: '' }),
  );
  await createSubnet(portal, `${tenant}/vpcs/${vpcId}`, subnetId, subnetCidr);
}

export async function createSubnet(
  portal: LoomClients,
  vpc: string,
  subnetId: string,
  cidr: string,
): Promise<void> {
  await finished(
    portal,
    await portal.subnets.createSubnet({
      parent: vpc,
      subnetId,
      subnet: subnetBody(cidr),
      requestId: '',
    }),
  );
}
