import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { VpcRouting } from './vpc.events';

@Entity({ schema: 'read_model', name: 'vpcs' })
export class VpcRow {
  @PrimaryColumn('text') name!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  /** `tenants/{tenant}`: what List filters on. */
  @Column('text') parent!: string;
  @Column('text', { name: 'display_name' }) displayName!: string;
  @Column('jsonb', { name: 'cidr_blocks' }) cidrBlocks!: string[];
  @Column('jsonb') routing!: VpcRouting;
  @Column('text') state!: 'CREATING' | 'READY' | 'DELETING' | 'FAILED';
  @Column('integer') version!: number;
  @Column('timestamptz', { name: 'create_time' }) createTime!: Date;
  @Column('timestamptz', { name: 'update_time' }) updateTime!: Date;
}
