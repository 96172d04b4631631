import type { Subnet } from '@loom/api-contract';
import type { Column } from '../cli/table';
import { formatAge, formatTime } from '../cli/time-format';

export const subnetColumns = (nowMs: number): Column<Subnet>[] => [
  { header: 'NAME', value: (subnet) => subnet.name },
  { header: 'CIDR', value: (subnet) => subnet.cidr },
  { header: 'GATEWAY', value: (subnet) => subnet.gatewayIp },
  { header: 'L2 VNI', value: (subnet) => String(subnet.l2Vni) },
  { header: 'STATE', value: (subnet) => subnet.state },
  { header: 'AGE', value: (subnet) => formatAge(subnet.createTime, nowMs) },
];

export const subnetFields = (subnet: Subnet): [string, string][] => [
  ['name', subnet.name],
  ['display_name', subnet.displayName],
  ['cidr', subnet.cidr],
  ['gateway_ip', subnet.gatewayIp],
  ['l2_vni', String(subnet.l2Vni)],
  ['state', subnet.state],
  ['etag', subnet.etag],
  ['create_time', formatTime(subnet.createTime)],
  ['update_time', formatTime(subnet.updateTime)],
];
