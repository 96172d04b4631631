import type { ErrorKind } from '@loom/errors';
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
  /** The column kept its name from when it held a free code; it holds an error kind. */
  @Column('text', { name: 'error_code', nullable: true }) errorKind!: ErrorKind | null;
  @Column('text', { name: 'error_message', nullable: true }) errorMessage!: string | null;
  @Column('timestamptz', { name: 'create_time' }) createTime!: Date;
  @Column('timestamptz', { name: 'end_time', nullable: true }) endTime!: Date | null;
}
