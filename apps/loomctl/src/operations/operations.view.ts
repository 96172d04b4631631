import type { Operation } from '@loom/api-contract';
import { grpcStatusName } from '../cli/exit-codes';
import type { Column } from '../cli/table';
import { formatAge, formatTime } from '../cli/time-format';

const errorOf = (operation: Operation): string =>
  operation.error ? `${grpcStatusName(operation.error.code)}: ${operation.error.message}` : '';

export const operationColumns = (nowMs: number): Column<Operation>[] => [
  { header: 'NAME', value: (operation) => operation.name },
  { header: 'VERB', value: (operation) => operation.verb },
  { header: 'TARGET', value: (operation) => operation.target },
  { header: 'DONE', value: (operation) => String(operation.done) },
  { header: 'AGE', value: (operation) => formatAge(operation.createTime, nowMs) },
  { header: 'ERROR', value: errorOf },
];

export const operationFields = (operation: Operation): [string, string][] => [
  ['name', operation.name],
  ['verb', operation.verb],
  ['target', operation.target],
  ['done', String(operation.done)],
  ['error', errorOf(operation)],
  ['create_time', formatTime(operation.createTime)],
  ['end_time', formatTime(operation.endTime)],
];
