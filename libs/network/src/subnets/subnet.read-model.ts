import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'read_model', name: 'subnets' })
export class SubnetRow {
  @PrimaryColumn('text') name!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  /** `tenants/{tenant}/vpcs/{vpc}`. */
  @Column('text') parent!: string;
  @Column('text', { name: 'display_name' }) displayName!: string;
  @Column('text') cidr!: string;
  @Column('text', { name: 'gateway_ip' }) gatewayIp!: string;
  @Column('integer', { name: 'l2_vni' }) l2Vni!: number;
  @Column('text') state!: 'CREATING' | 'READY' | 'DELETING' | 'FAILED';
  @Column('integer') version!: number;
  @Column('timestamptz', { name: 'create_time' }) createTime!: Date;
  @Column('timestamptz', { name: 'update_time' }) updateTime!: Date;
}
