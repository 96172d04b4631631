import Module from 'node:module';
import { join } from 'node:path';

/**
 * The libs import each other through the `@loom/*` path aliases of tsconfig.json, which plain
 * `tsc -p bench` compiles but leaves as they are in the JavaScript. Imported first by the
 * benchmarks that load those libs, this maps `@loom/<lib>[/<path>]` to the lib's compiled sources
 * beside the bench (dist/bench/libs/<lib>/src), so they load from dist/bench as they are.
 */
type ResolveFilename = (this: unknown, request: string, ...rest: unknown[]) => string;

const libs = join(__dirname, '../../libs');
const loader = Module as unknown as { _resolveFilename: ResolveFilename };
const resolveFilename = loader._resolveFilename;
const alias = /^@loom\/([a-z-]+)(\/.*)?$/;

loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  const match = alias.exec(request);
  const target = match ? join(libs, match[1] ?? '', 'src', match[2] ?? '') : request;
  return resolveFilename.call(this, target, ...rest);
};
