import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { InvalidTopologyError, type TopologyProblem } from '../errors';
import { defaultTopology } from './default-topology';
import type { FabricTopology } from './topology';
import { parseTopology } from './topology-validation';

function fail(source: string, problem: TopologyProblem): never {
  throw new InvalidTopologyError([problem], source);
}

/**
 * YAML is read with the `yaml` package when it is installed. It is not a dependency of Loom
 * today, so the import is by a computed name: the lib builds and JSON works without it.
 */
async function parseYaml(text: string, source: string): Promise<unknown> {
  const packageName = 'yaml';
  let yaml: { parse(text: string): unknown };
  try {
    yaml = (await import(packageName)) as { parse(text: string): unknown };
  } catch {
    return fail(source, {
      path: '',
      code: 'unsupported-format',
      message: 'YAML topologies need the `yaml` package, which is not installed: use a .json file',
    });
  }
  try {
    return yaml.parse(text);
  } catch (error) {
    return fail(source, {
      path: '',
      code: 'bad-syntax',
      message: `not valid YAML: ${String(error)}`,
    });
  }
}

/** Reads and validates a topology file: `.json`, or `.yaml`/`.yml` when YAML support is installed. */
export async function loadTopologyFile(path: string): Promise<FabricTopology> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return fail(path, {
      path: '',
      code: 'unreadable',
      message: `cannot read the file: ${String(error)}`,
    });
  }
  const extension = extname(path).toLowerCase();
  let document: unknown;
  if (extension === '.yaml' || extension === '.yml') {
    document = await parseYaml(text, path);
  } else {
    try {
      document = JSON.parse(text);
    } catch (error) {
      return fail(path, {
        path: '',
        code: 'bad-syntax',
        message: `not valid JSON: ${String(error)}`,
      });
    }
  }
  return parseTopology(document, path);
}

/** The configured topology file, or the default fabric when none is configured. */
export async function loadTopology(path: string | undefined): Promise<FabricTopology> {
  return path === undefined || path.trim() === '' ? defaultTopology : loadTopologyFile(path);
}
