import type { Operation } from '@loom/api-contract';
import type { CliContext } from '../cli/cli-context';
import { printRendering, type OutputFormat } from '../cli/output';
import { formatFields } from '../cli/table';
import { operationFields } from '../operations/operations.view';
import type { Named, ResourceKind } from './resource-kind';

/** One resource, or the operation a create or delete answered with, in the chosen format. */
export function printResource<R extends Named>(
  context: CliContext,
  format: OutputFormat,
  kind: ResourceKind<R>,
  resource: R,
): void {
  printRendering(context.io, format, {
    message: resource,
    table: () => formatFields(kind.fields(resource)),
    names: () => [resource.name],
  });
}

export function printOperation(
  context: CliContext,
  format: OutputFormat,
  operation: Operation,
): void {
  printRendering(context.io, format, {
    message: operation,
    table: () => formatFields(operationFields(operation)),
    names: () => [operation.name],
  });
}
