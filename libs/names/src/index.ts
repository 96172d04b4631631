// AIP-122 resource names of the loom.v1 API, parsed into typed ids and formatted back, and the
// checks of client-chosen ids, display names and etags.
export * from './resource-names';
export * from './resource-name-builders';
export * from './identifiers';
