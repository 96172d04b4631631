import { DataSource, type MigrationInterface } from 'typeorm';

type MigrationClass = new () => MigrationInterface;

/** Serialises replicas that start at once: only one runs the migrations, the others wait. */
const migrationLockKey = 7_318_004_211;

/**
 * Brings the schema up to date with TypeORM migrations (never `synchronize`), each in its own
 * transaction. Returns the names of the migrations it ran.
 */
export async function runMigrations(
  url: string,
  migrations: readonly MigrationClass[],
): Promise<string[]> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    migrations: [...migrations],
    migrationsTableName: 'loom_migrations',
    migrationsTransactionMode: 'each',
    logging: false,
  });
  await dataSource.initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
    try {
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      return ran.map((migration) => migration.name);
    } finally {
      await dataSource.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]);
    }
  } finally {
    await dataSource.destroy();
  }
}
