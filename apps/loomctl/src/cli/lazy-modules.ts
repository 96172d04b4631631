/*
 * Modules loaded on first use. @loom/api-contract's index also loads NestJS and rxjs (about
 * 0.3 s), which `loomctl --help`, `token mint` and `completion` never need; a command that calls
 * the engine loads them when it does. `require` rather than `import()`: the build rewrites
 * `@loom/*` paths only in static imports (so the lazily loaded files import them statically), and
 * Jest runs CommonJS.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as Api from '../api';
import type * as CliProgress from 'cli-progress';
import type * as Yaml from 'yaml';
import type * as TokenSigning from '../token-signing';

export type ApiModule = typeof Api;

export function loadApi(): ApiModule {
  return require('../api') as ApiModule;
}

export function loadYaml(): typeof Yaml {
  return require('yaml') as typeof Yaml;
}

export function loadTokenSigning(): typeof TokenSigning {
  return require('../token-signing') as typeof TokenSigning;
}

export function loadCliProgress(): typeof CliProgress {
  return require('cli-progress') as typeof CliProgress;
}
