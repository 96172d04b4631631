import type { Projection } from '@loom/projections';
import { externalResourceProjection } from '../external/external-resource.projection';
import { operationProjection } from '../operations/operation.projection';
import { portProjection } from '../ports/port.projection';
import { qosPolicyProjection } from '../qos/qos-policy.projection';
import { subnetProjection } from '../subnets/subnet.projection';
import { tenantProjection } from '../tenants/tenant.projection';
import { vpcProjection } from '../vpcs/vpc.projection';

/** The read models the portal reads; each follows its own streams with its own checkpoint. */
export const networkProjections: readonly Projection[] = [
  tenantProjection,
  vpcProjection,
  subnetProjection,
  portProjection,
  operationProjection,
  externalResourceProjection,
  qosPolicyProjection,
];
