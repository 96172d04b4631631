// The token signing of @loom/access, loaded only by the commands that mint (cli/lazy-modules.ts).
export { loadOrCreateSigningKey, mintToken } from '@loom/access';
