import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PortBinding, PortKind } from './port.events';

@Entity({ schema: 'read_model', name: 'ports' })
export class PortRow {
  @PrimaryColumn('text') name!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  /** `tenants/{tenant}/vpcs/{vpc}/subnets/{subnet}`. */
  @Column('text') parent!: string;
  @Column('text', { name: 'display_name' }) displayName!: string;
  @Column('text') kind!: PortKind;
  @Column('text', { name: 'fixed_ip' }) fixedIp!: string;
  @Column('text', { name: 'mac_address' }) macAddress!: string;
  @Column('jsonb', { nullable: true }) binding!: PortBinding | null;
  @Column('text') status!: 'PENDING' | 'ACTIVE' | 'ERROR';
  @Column('text', { name: 'status_reason' }) statusReason!: string;
  @Column('integer') version!: number;
  @Column('timestamptz', { name: 'create_time' }) createTime!: Date;
  @Column('timestamptz', { name: 'update_time' }) updateTime!: Date;
}
