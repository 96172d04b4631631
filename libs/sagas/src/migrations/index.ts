import { CreateSagaTables1764500000000 } from './1764500000000-create-saga-tables';

/** Run after the event store's migrations. */
export const sagaMigrations = [CreateSagaTables1764500000000];
