import { Option, type Command } from 'commander';
import type { CliIo } from './cli-context';
import { loadApi, loadYaml } from './lazy-modules';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml', 'name'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutputFlags {
  readonly output: OutputFormat;
}

export function withOutputOption(command: Command): Command {
  return command.addOption(
    new Option(
      '-o, --output <format>',
      'table for people; json or yaml (the API message) and name (resource names) for scripts',
    )
      .choices(OUTPUT_FORMATS)
      .default('table'),
  );
}

/** One result in every output format: the API message, its table, the names it is about. */
export interface Rendering {
  /** The API message (or a list response), as the engine answered it. */
  readonly message: unknown;
  readonly table: () => readonly string[];
  readonly names: () => readonly string[];
}

export function printRendering(io: CliIo, format: OutputFormat, rendering: Rendering): void {
  switch (format) {
    case 'table':
      for (const line of rendering.table()) io.print(line);
      return;
    case 'json':
      io.print(JSON.stringify(loadApi().jsonView(rendering.message), null, 2));
      return;
    case 'yaml':
      io.print(loadYaml().stringify(loadApi().jsonView(rendering.message)).trimEnd());
      return;
    case 'name':
      for (const name of rendering.names()) io.print(name);
      return;
    default: {
      const _exhaustive: never = format;
      return _exhaustive;
    }
  }
}
