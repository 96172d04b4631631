import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'yaml';
import { InvalidTopologyError, type TopologyProblem } from '../errors';
import { defaultTopology } from './default-topology';
import type { FabricTopology } from './topology';
import { parseTopology } from './topology-validation';

function fail(source: string, problem: TopologyProblem): never {
  throw new InvalidTopologyError([problem], source);
}

/** YAML through the `yaml` package (a dependency since loomctl prints YAML too). */
function parseYaml(text: string, source: string): unknown {
  try {
    return parse(text);
  } catch (error) {
    return fail(source, {
      path: '',
      code: 'bad-syntax',
      message: `not valid YAML: ${String(error)}`,
    });
  }
}

/** Reads and validates a topology file: `.json`, `.yaml` or `.yml`. */
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
    document = parseYaml(text, path);
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
