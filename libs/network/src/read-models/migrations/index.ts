import { CreateNetworkReadModels1764200000000 } from './1764200000000-create-network-read-models';

export const networkReadModelMigrations = [CreateNetworkReadModels1764200000000];
