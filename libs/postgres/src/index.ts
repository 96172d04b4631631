export * from './database';
export * from './embedded-postgres-server';
export * from './migrations';
