import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Quota } from './tenant.events';

@Entity({ schema: 'read_model', name: 'tenants' })
export class TenantRow {
  @PrimaryColumn('text') name!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'display_name' }) displayName!: string;
  @Column('jsonb') quota!: Quota;
  @Column('jsonb') usage!: Quota;
  @Column('integer') version!: number;
  @Column('timestamptz', { name: 'create_time' }) createTime!: Date;
  @Column('timestamptz', { name: 'update_time' }) updateTime!: Date;
}
