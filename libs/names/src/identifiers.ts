import type { FieldViolation } from '@loom/errors';

/** AIP-122 resource ids: lower-case letters, digits and hyphens, starting with a letter, 1-63 long. */
export const resourceIdPattern = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function checkResourceId(field: string, value: string): FieldViolation[] {
  if (resourceIdPattern.test(value)) return [];
  return [
    {
      field,
      description:
        'must be 1-63 lower-case letters, digits or hyphens, start with a letter and not end with a hyphen',
    },
  ];
}

export function checkDisplayName(field: string, value: string): FieldViolation[] {
  if (value.length <= 128 && !/\p{Cc}/u.test(value)) return [];
  return [{ field, description: 'must be at most 128 characters without control characters' }];
}

/** Etags are what Get returned (`"3"`); anything else cannot be a version of the resource. */
export function checkEtag(field: string, etag: string | undefined): FieldViolation[] {
  if (etag === undefined || etag === '' || /^"[1-9]\d{0,14}"$/.test(etag)) return [];
  return [{ field, description: 'must be an etag returned by Get, such as "3"' }];
}
