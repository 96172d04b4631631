// Helpers the resource controllers share; resource names and timestamps are in @loom/api-contract.
export * from './page-token';
export * from './page-size';
export * from './update-mask';
