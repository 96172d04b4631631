import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'read_model', name: 'operations' })
export class OperationRow {
  @PrimaryColumn('text') name!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  /** `tenants/{tenant}`. */
  @Column('text') parent!: string;
  @Column('text') target!: string;
  @Column('text') verb!: string;
  @Column('boolean') done!: boolean;
  @Column('text', { name: 'error_code', nullable: true }) errorCode!: string | null;
  @Column('text', { name: 'error_message', nullable: true }) errorMessage!: string | null;
  @Column('timestamptz', { name: 'create_time' }) createTime!: Date;
  @Column('timestamptz', { name: 'end_time', nullable: true }) endTime!: Date | null;
}
