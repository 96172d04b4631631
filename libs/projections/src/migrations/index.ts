import { CreateProjectionCheckpoints1764100000000 } from './1764100000000-create-projection-checkpoints';

/** Run before the migrations of any read model: they create their tables in `read_model`. */
export const projectionMigrations = [CreateProjectionCheckpoints1764100000000];
