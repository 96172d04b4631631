import type { Metadata } from '@grpc/grpc-js';
import { UnauthenticatedError } from '@loom/errors';

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;

/** The JWT of the call's `authorization: Bearer <jwt>` metadata; exactly one must be there. */
export function readBearerToken(metadata: Metadata): string {
  const values = metadata.get('authorization');
  if (values.length === 0)
    throw new UnauthenticatedError('no authorization: Bearer <token> metadata');
  if (values.length > 1)
    throw new UnauthenticatedError('more than one authorization metadata entry');
  const match = typeof values[0] === 'string' ? BEARER.exec(values[0].trim()) : null;
  if (!match?.[1]) throw new UnauthenticatedError('authorization metadata is not "Bearer <jwt>"');
  return match[1];
}
