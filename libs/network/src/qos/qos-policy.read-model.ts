import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The QoS policies that exist, by name: what List pages through. Get and List answer from the
 * policies' streams (each folded by its decider), as for floating IPs, so this table holds no
 * state that changes after a create.
 */
@Entity({ schema: 'read_model', name: 'qos_policies' })
export class QosPolicyRow {
  @PrimaryColumn('text') name!: string;
  /** `tenants/{tenant}` */
  @Column('text') parent!: string;
  @Column('timestamptz', { name: 'create_time' }) createTime!: Date;
}
