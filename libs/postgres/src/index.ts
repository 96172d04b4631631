export * from './data-dir-lock';
export * from './database';
export * from './embedded-postgres-server';
export * from './migrations';
export * from './server-pool';
export type { PostmasterExit } from './postmaster';
