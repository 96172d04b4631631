import type { Vpc } from '@loom/api-contract';
import type { Column } from '../cli/table';
import { formatAge, formatTime } from '../cli/time-format';

export const vpcColumns = (nowMs: number): Column<Vpc>[] => [
  { header: 'NAME', value: (vpc) => vpc.name },
  { header: 'CIDR BLOCKS', value: (vpc) => vpc.cidrBlocks.join(',') },
  { header: 'L3 VNI', value: (vpc) => String(vpc.l3Vni) },
  { header: 'VRF', value: (vpc) => vpc.vrfName },
  { header: 'STATE', value: (vpc) => vpc.state },
  { header: 'AGE', value: (vpc) => formatAge(vpc.createTime, nowMs) },
];

export const vpcFields = (vpc: Vpc): [string, string][] => [
  ['name', vpc.name],
  ['display_name', vpc.displayName],
  ['cidr_blocks', vpc.cidrBlocks.join(', ')],
  ['l3_vni', String(vpc.l3Vni)],
  ['vrf_name', vpc.vrfName],
  ['route_distinguisher', vpc.routeDistinguisher],
  ['import_route_targets', vpc.importRouteTargets.join(', ')],
  ['export_route_targets', vpc.exportRouteTargets.join(', ')],
  ['state', vpc.state],
  ['etag', vpc.etag],
  ['create_time', formatTime(vpc.createTime)],
  ['update_time', formatTime(vpc.updateTime)],
];
