import type { AuditedKind } from './audited-stream';
import type { FieldChange } from './network-snapshot';

/** What the Changes query filters on; every given filter must hold. */
export interface ChangesFilter {
  readonly tenant?: string;
  /** This resource and everything under it (`tenants/acme/vpcs/blue` covers its subnets). */
  readonly resource?: string;
  /** `role:subject` as recorded (`portal:console`), or a subject alone. */
  readonly actor?: string;
  readonly requestId?: string;
  readonly correlationId?: string;
  readonly eventType?: string;
  readonly from?: Date;
  readonly to?: Date;
}

export interface ChangesPage {
  readonly entries: readonly ChangeEntry[];
  /** Continue after this position (in the page's order); undefined on the last page. */
  readonly next?: bigint;
}

/** One change: when, who, through which method or action, to what, and its fields. */
export interface ChangeEntry {
  readonly position: bigint;
  readonly recordedAt: Date;
  readonly actor: string;
  readonly role: string;
  readonly subject: string;
  /** The API method (`PortService/CreatePort`), or the saga or Loom component that acted. */
  readonly action: string;
  readonly kind: AuditedKind;
  readonly resource: string;
  readonly eventType: string;
  readonly requestId?: string;
  readonly correlationId?: string;
  readonly changes: readonly FieldChange[];
}

/** `/loom.v1.PortService/CreatePort` as `PortService/CreatePort`. */
export function methodName(path: string): string {
  return path.replace(/^\/loom\.v1\./, '');
}
