import type { LoomClients } from '../../test/support/grpc-client';
import type { RealNetwork } from './model-commands';
import type { NetworkModel } from './network-model';

/** After a run: every tenant's usage and VPCs are the model's. */
export async function compareFinalState(model: NetworkModel, real: RealNetwork): Promise<void> {
  for (const [id, tenant] of model.tenants) {
    const name = `tenants/${real.prefix}${id}`;
    const got = await real.portal.tenants.getTenant({ name });
    const usage = model.usage(id);
    const seen = { vpcs: got.usage?.vpcs, subnets: got.usage?.subnets, ports: got.usage?.ports };
    if (JSON.stringify(seen) !== JSON.stringify(usage)) {
      throw new Error(`${name}: usage ${JSON.stringify(seen)}, the model ${JSON.stringify(usage)}`);
    }
    const listed = await real.portal.vpcs.listVpcs({ parent: name, pageSize: 0, pageToken: '' });
    const vpcs = listed.vpcs.map((vpc) => `${vpc.name.split('/').pop() ?? ''}:${vpc.l3Vni}`).sort();
    const expected = [...tenant.vpcs].map(([vpcId, vpc]) => `${vpcId}:${vpc.l3Vni}`).sort();
    if (JSON.stringify(vpcs) !== JSON.stringify(expected)) {
      throw new Error(`${name}: VPCs ${vpcs.join(' ')}, the model ${expected.join(' ')}`);
    }
  }
}

/** Deletes what the run made, newest kind first, so the pools are whole for the next run. */
export async function cleanUp(
  model: NetworkModel,
  portal: LoomClients,
  prefix: string,
): Promise<void> {
  for (const [id, tenant] of model.tenants) {
    const tenantName = `tenants/${prefix}${id}`;
    for (const [vpcId, vpc] of tenant.vpcs) {
      for (const [subnetId, subnet] of vpc.subnets) {
        const subnetName = `${tenantName}/vpcs/${vpcId}/subnets/${subnetId}`;
        for (const portId of subnet.ports.keys()) {
          await portal.ports.deletePort({
            name: `${subnetName}/ports/${portId}`,
            etag: '',
            requestId: '',
          });
        }
        await portal.subnets.deleteSubnet({ name: subnetName, etag: '', requestId: '' });
      }
      await portal.vpcs.deleteVpc({ name: `${tenantName}/vpcs/${vpcId}`, etag: '', requestId: '' });
    }
    await portal.tenants.deleteTenant({ name: tenantName, etag: '' });
  }
}
