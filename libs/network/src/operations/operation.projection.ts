import { writeRows, type PatchStatement, type Projection } from '@loom/projections';
import { OperationRow } from './operation.read-model';
import { foldOperationEvents, type OperationPatch } from './operation.row-changes';

const operationPatches: PatchStatement<OperationPatch> = {
  sql: `UPDATE read_model.operations AS t SET
      done = COALESCE(p.done, t.done),
      error_code = COALESCE(p.error_code, t.error_code),
      error_message = COALESCE(p.error_message, t.error_message),
      end_time = COALESCE(p.end_time, t.end_time)
    FROM jsonb_to_recordset($1::jsonb)
      AS p(name text, done boolean, error_code text, error_message text, end_time timestamptz)
    WHERE t.name = p.name`,
  toRecord: (name, patch) => ({
    name,
    done: patch.done ?? null,
    error_code: patch.errorKind ?? null,
    error_message: patch.errorMessage ?? null,
    end_time: patch.endTime ?? null,
  }),
};

export const operationProjection: Projection = {
  name: 'operations',
  filter: { streamPrefixes: ['operation-'] },
  entities: [OperationRow],
  applyBatch: (events, manager) =>
    writeRows(manager, OperationRow, foldOperationEvents(events), operationPatches),
};
