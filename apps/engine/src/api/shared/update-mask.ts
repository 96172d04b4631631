import { fieldMaskPaths, type FieldMaskInput } from '@loom/api-contract';
import { InvalidArgumentError, quote } from '@loom/errors';

/**
 * The fields an Update request changes (AIP-134), checked against the ones the method allows.
 * Paths are proto field names (`display_name`); camelCase (`displayName`, as JSON clients write
 * them) is accepted too. `*` means every updatable field. An empty mask is refused rather than
 * guessed: proto3 cannot tell an unset field from one set to its default, so "the fields that are
 * set" would clear the ones a client left out.
 */
export function readUpdateMask<P extends string>(
  mask: FieldMaskInput | undefined,
  updatable: readonly P[],
): P[] {
  const paths = fieldMaskPaths(mask).map(toSnakeCase);
  const allowed = `updatable: ${updatable.join(', ')}`;
  if (paths.length === 0) {
    throw new InvalidArgumentError([
      { field: 'update_mask', description: `must name the fields to change (${allowed}, or *)` },
    ]);
  }
  if (paths.includes('*')) return [...updatable];
  const unknown = paths.filter((path) => !(updatable as readonly string[]).includes(path));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      unknown.map((path) => ({
        field: 'update_mask',
        description: `${quote(path)} is not a field this method can update (${allowed})`,
      })),
    );
  }
  return updatable.filter((path) => paths.includes(path));
}

function toSnakeCase(path: string): string {
  return path.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
