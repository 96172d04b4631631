export type * from './envelope';
export type * from './event-store.port';
export * from './errors';
export * from './expected-revision';
export * from './limits';
export * from './stream-name';
export { matchesFilter } from './event-filter';
export { prepareEvents, type PreparedEvent, type PrepareContext } from './prepared-event';
export * from './read-options';
export * from './subscriptions/checkpointed-subscription';
export {
  PostgresEventStore,
  type PostgresEventStoreOptions,
} from './postgres/postgres-event-store';
export { eventStoreMigrations } from './postgres/migrations';
export * from './eventstoredb';
