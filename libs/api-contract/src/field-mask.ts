import type { FieldMask } from './generated/google/protobuf/field_mask';

/**
 * A google.protobuf.FieldMask as either side may hold it. ts-proto types mask fields as `string[]`
 * (its well-known-type mapping, which no option turns off), while @grpc/proto-loader hands
 * handlers the message itself, `{paths: [...]}`, and serializes only that shape.
 */
export type FieldMaskInput =
  readonly string[] | { readonly paths?: readonly string[] | null } | null;

/** The paths of a mask in either shape; none when the mask is unset. */
export function fieldMaskPaths(mask: FieldMaskInput | undefined): string[] {
  if (mask === null || mask === undefined) return [];
  if (isPathList(mask)) return [...mask];
  return [...(mask.paths ?? [])];
}

/**
 * The wire shape of a mask, for requests sent through proto-loader: a bare array there would be
 * encoded as an empty mask, silently.
 */
export function toWireFieldMask(mask: FieldMaskInput | undefined): FieldMask | null {
  if (mask === null || mask === undefined) return null;
  return { paths: fieldMaskPaths(mask) };
}

function isPathList(mask: FieldMaskInput): mask is readonly string[] {
  return Array.isArray(mask);
}
