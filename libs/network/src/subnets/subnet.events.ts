import type { DomainEvent } from '@loom/intents';

export type SubnetCreated = DomainEvent<
  'SubnetCreated',
  {
    tenantId: string;
    vpcId: string;
    subnetId: string;
    displayName: string;
    cidr: string;
    gatewayIp: string;
    l2Vni: number;
    createdBy: string;
  }
>;
export type SubnetUpdated = DomainEvent<'SubnetUpdated', { displayName: string }>;
export type SubnetDeleted = DomainEvent<
  'SubnetDeleted',
  {
    tenantId: string;
    vpcId: string;
    subnetId: string;
    cidr: string;
    l2Vni: number;
    createdBy: string;
  }
>;
/** A port's fixed IP and MAC, held in the subnet so neither is ever given twice. */
export type SubnetAddressAllocated = DomainEvent<
  'SubnetAddressAllocated',
  { portId: string; ip: string; macAddress: string; owner: string }
>;
export type SubnetAddressReleased = DomainEvent<
  'SubnetAddressReleased',
  { portId: string; ip: string; macAddress: string; owner: string }
>;

export type SubnetEvent =
  SubnetCreated | SubnetUpdated | SubnetDeleted | SubnetAddressAllocated | SubnetAddressReleased;
