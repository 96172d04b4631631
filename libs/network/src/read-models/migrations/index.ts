import { CreateNetworkReadModels1764200000000 } from './1764200000000-create-network-read-models';
import { OperationErrorKinds1764600000000 } from './1764600000000-operation-error-kinds';
import { ExternalResources1764900000000 } from './1764900000000-external-resources';
import { EtagsCountEveryChange1765200000000 } from './1765200000000-etags-count-every-change';
import { QosPolicies1765500000000 } from './1765500000000-qos-policies';

export const networkReadModelMigrations = [
  CreateNetworkReadModels1764200000000,
  OperationErrorKinds1764600000000,
  ExternalResources1764900000000,
  EtagsCountEveryChange1765200000000,
  QosPolicies1765500000000,
];
