export * from './data-dir-lock';
export * from './database';
export * from './embedded-postgres-server';
export * from './migrations';
export type { PostmasterExit } from './postmaster';
