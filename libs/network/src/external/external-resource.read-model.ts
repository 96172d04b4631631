import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ExternalResourceKind =
  'external-network' | 'external-gateway' | 'floating-ip' | 'service-ip';

/**
 * The external network resources that exist, by name: what List pages through. Get and List
 * answer from the resources' streams (each folded by its decider), so this table holds no state
 * that changes after a create.
 */
@Entity({ schema: 'read_model', name: 'external_resources' })
export class ExternalResourceRow {
  @PrimaryColumn('text') name!: string;
  @Column('text') kind!: ExternalResourceKind;
  /** `tenants/{tenant}` for gateways, floating IPs and service IPs; empty for external networks. */
  @Column('text') parent!: string;
  @Column('timestamptz', { name: 'create_time' }) createTime!: Date;
}
