import type { DomainEvent } from '@loom/intents';

export type PortKind = 'VIRTUAL_MACHINE' | 'BARE_METAL';

export interface PortBinding {
  readonly host: string;
  readonly leafSwitch: string;
  readonly interface: string;
  readonly vlan: number;
}

export type PortCreated = DomainEvent<
  'PortCreated',
  {
    tenantId: string;
    vpcId: string;
    subnetId: string;
    portId: string;
    displayName: string;
    kind: PortKind;
    fixedIp: string;
    macAddress: string;
    /** Absent for a port not placed on a switch yet. */
    binding: PortBinding | null;
    createdBy: string;
  }
>;
export type PortUpdated = DomainEvent<'PortUpdated', { displayName: string }>;
/** The fabric carries the port's traffic. */
export type PortActivated = DomainEvent<'PortActivated', Record<string, never>>;
export type PortFailed = DomainEvent<'PortFailed', { reason: string }>;
export type PortDeleted = DomainEvent<
  'PortDeleted',
  {
    tenantId: string;
    vpcId: string;
    subnetId: string;
    portId: string;
    binding: PortBinding | null;
    createdBy: string;
  }
>;

export type PortEvent = PortCreated | PortUpdated | PortActivated | PortFailed | PortDeleted;
