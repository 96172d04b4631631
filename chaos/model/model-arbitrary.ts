import fc from 'fast-check';
import {
  CreatePort,
  CreateSubnet,
  CreateTenant,
  CreateVpc,
  DeletePort,
  DeleteSubnet,
  DeleteTenant,
  DeleteVpc,
} from './model-commands';
import { RaceCreateVpcs } from './race-command';

// Few ids, so that commands meet: the same name twice, a parent that is gone, quotas and pools
// used up (2 VPCs per tenant and 3 L3 VNIs in all; a /29 holds 5 ports).
const tenant = fc.constantFrom('t1', 't2');
const vpc = fc.constantFrom('v1', 'v2', 'v3');
const subnet = fc.constantFrom('s1', 's2');
const port = fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5', 'p6');
// Inside 10.0.0.0/16 and apart, overlapping both, outside the VPC's block.
const cidr = fc.constantFrom('10.0.0.0/29', '10.0.0.8/29', '10.0.0.0/28', '10.1.0.0/29');

export function networkCommands(withRaces: boolean, maxCommands: number) {
  return fc.commands(
    [
      fc.tuple(tenant).map(([t]) => new CreateTenant(t)),
      fc.tuple(tenant).map(([t]) => new DeleteTenant(t)),
      fc.tuple(tenant, vpc).map(([t, v]) => new CreateVpc(t, v)),
      fc.tuple(tenant, vpc).map(([t, v]) => new DeleteVpc(t, v)),
      fc.tuple(tenant, vpc, subnet, cidr).map(([t, v, s, c]) => new CreateSubnet(t, v, s, c)),
      fc.tuple(tenant, vpc, subnet).map(([t, v, s]) => new DeleteSubnet(t, v, s)),
      fc.tuple(tenant, vpc, subnet, port).map(([t, v, s, p]) => new CreatePort(t, v, s, p)),
      fc.tuple(tenant, vpc, subnet, port).map(([t, v, s, p]) => new DeletePort(t, v, s, p)),
      ...(withRaces
        ? [fc.tuple(tenant, vpc, vpc).map(([t, a, b]) => new RaceCreateVpcs(t, a, b))]
        : []),
    ],
    { maxCommands, size: 'max' },
  );
}
