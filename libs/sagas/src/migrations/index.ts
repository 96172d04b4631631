import { CreateSagaTables1764500000000 } from './1764500000000-create-saga-tables';
import { SagaReadModel1765200000000 } from './1765200000000-saga-read-model';

/** Run after the event store's migrations. */
export const sagaMigrations = [CreateSagaTables1764500000000, SagaReadModel1765200000000];
