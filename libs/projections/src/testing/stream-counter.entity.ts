import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Test read model: how many events of each stream a projection applied. */
@Entity({ schema: 'read_model', name: 'test_stream_counters' })
export class StreamCounter {
  @PrimaryColumn({ type: 'text', name: 'projection_name' })
  projectionName!: string;

  @PrimaryColumn({ type: 'text' })
  stream!: string;

  @Column({ type: 'integer' })
  events!: number;

  @Column({ type: 'integer', name: 'last_revision' })
  lastRevision!: number;

  /** bigint arrives from pg as a string. */
  @Column({ type: 'bigint', name: 'last_position' })
  lastPosition!: string;
}
