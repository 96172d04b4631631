import type { DomainEvent } from '@loom/intents';

/** The port fixed IP a floating IP translates to, 1:1 both ways. */
export interface FloatingIpAssociation {
  /** `tenants/{t}/vpcs/{v}/subnets/{s}/ports/{p}` */
  readonly port: string;
  readonly vpcId: string;
  readonly fixedIp: string;
}

export type FloatingIpCreated = DomainEvent<
  'FloatingIpCreated',
  {
    tenantId: string;
    floatingIpId: string;
    displayName: string;
    externalNetworkId: string;
    address: string;
    createdBy: string;
  }
>;
export type FloatingIpUpdated = DomainEvent<'FloatingIpUpdated', { displayName: string }>;
/**
 * Associated with a port, or moved to another (`previous` is where it was): the intent at once,
 * the gateway nodes when the operation's saga ends.
 */
export type FloatingIpAssociated = DomainEvent<
  'FloatingIpAssociated',
  { association: FloatingIpAssociation; previous: FloatingIpAssociation | null; operation: string }
>;
export type FloatingIpDisassociated = DomainEvent<
  'FloatingIpDisassociated',
  { previous: FloatingIpAssociation; operation: string }
>;
/** The gateway nodes translate and announce it as the intent says (or it is unassociated). */
export type FloatingIpActivated = DomainEvent<'FloatingIpActivated', Record<string, never>>;
export type FloatingIpFailed = DomainEvent<'FloatingIpFailed', { reason: string }>;
export type FloatingIpDeleted = DomainEvent<
  'FloatingIpDeleted',
  {
    tenantId: string;
    floatingIpId: string;
    externalNetworkId: string;
    address: string;
    createdBy: string;
  }
>;

export type FloatingIpEvent =
  | FloatingIpCreated
  | FloatingIpUpdated
  | FloatingIpAssociated
  | FloatingIpDisassociated
  | FloatingIpActivated
  | FloatingIpFailed
  | FloatingIpDeleted;
