import { CreateNetworkReadModels1764200000000 } from './1764200000000-create-network-read-models';
import { OperationErrorKinds1764600000000 } from './1764600000000-operation-error-kinds';

export const networkReadModelMigrations = [
  CreateNetworkReadModels1764200000000,
  OperationErrorKinds1764600000000,
];
