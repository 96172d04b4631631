import { api } from './api';
import { audit } from './audit';
import type { Benchmark } from './benchmark';
import { batchAppends } from './batch-appends';
import { catchUp } from './catch-up';
import { frrLab } from './frr-lab';
import { portSagas } from './port-sagas';
import { projectionRebuild } from './projection-rebuild';
import { readAll } from './read-all';
import { sagaList } from './saga-list';
import { scale } from './scale';
import { singleAppends } from './single-appends';

/**
 * Every benchmark of `npm run bench`, in the order they run. A new one (the gRPC API, sagas) is
 * a file beside these exporting a Benchmark, added to this list.
 */
export const benchmarks: readonly Benchmark[] = [
  singleAppends,
  batchAppends,
  readAll,
  catchUp,
  api,
  projectionRebuild,
  portSagas,
  scale,
  sagaList,
  audit,
  frrLab,
];
