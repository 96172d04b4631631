import type { ErrorKind } from '@loom/errors';

/**
 * The error kind of an attempt that gave no outcome: it timed out, or its worker stopped before
 * recording it. Nothing refused it; the device or the worker was not there in time, which a retry
 * may change. (An attempt that threw is recorded with `errorKindOf` the error it threw.)
 */
export const unfinishedErrorKind: ErrorKind = 'unavailable';
