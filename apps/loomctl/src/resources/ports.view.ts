import type { Port } from '@loom/api-contract';
import type { Column } from '../cli/table';
import { formatAge, formatTime } from '../cli/time-format';

export const portColumns = (nowMs: number): Column<Port>[] => [
  { header: 'NAME', value: (port) => port.name },
  { header: 'KIND', value: (port) => port.kind },
  { header: 'FIXED IP', value: (port) => port.fixedIp },
  { header: 'MAC', value: (port) => port.macAddress },
  { header: 'LEAF', value: (port) => port.binding?.leafSwitch ?? '' },
  { header: 'INTERFACE', value: (port) => port.binding?.interface ?? '' },
  { header: 'VLAN', value: (port) => (port.binding ? String(port.binding.vlan) : '') },
  { header: 'STATUS', value: (port) => port.status },
  { header: 'AGE', value: (port) => formatAge(port.createTime, nowMs) },
];

export const portFields = (port: Port): [string, string][] => [
  ['name', port.name],
  ['display_name', port.displayName],
  ['kind', port.kind],
  ['fixed_ip', port.fixedIp],
  ['mac_address', port.macAddress],
  ['binding.host', port.binding?.host ?? ''],
  ['binding.leaf_switch', port.binding?.leafSwitch ?? ''],
  ['binding.interface', port.binding?.interface ?? ''],
  ['binding.vlan', port.binding ? String(port.binding.vlan) : ''],
  ['status', port.status],
  ['status_reason', port.statusReason],
  ['etag', port.etag],
  ['create_time', formatTime(port.createTime)],
  ['update_time', formatTime(port.updateTime)],
];
