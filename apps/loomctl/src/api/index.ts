// What loomctl needs of the API at run time, loaded on first use through cli/lazy-modules.ts.
export { createLoomClient, type CallOptions, type LoomClient } from './loom-client';
export { detailLines, failureOfCall, failureOfOperation, grpcCodeOf } from './grpc-failure';
export { jsonView, rfc3339 } from './json-view';
export * from './request-bodies';
