import { auditMigrations } from '@loom/audit';
import { eventStoreMigrations } from '@loom/event-store';
import { networkReadModelMigrations } from '@loom/network';
import { projectionMigrations } from '@loom/projections';
import { sagaMigrations } from '@loom/sagas';

/** Every schema change of the engine's database, in the order they were written. */
export const engineMigrations = [
  ...eventStoreMigrations,
  ...projectionMigrations,
  ...networkReadModelMigrations,
  ...sagaMigrations,
  ...auditMigrations,
];
