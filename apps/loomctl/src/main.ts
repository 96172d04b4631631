#!/usr/bin/env node
import { Command } from 'commander';
import { tokenCommand } from './token.command';
import { fabricCommand } from './fabric.command';

/** loomctl: Loom's command line, without Nest, so that it starts fast. */
const program = new Command('loomctl')
  .description('command line tools for the Loom engine')
  .showHelpAfterError()
  .addCommand(
    tokenCommand(process.env, (line) => {
      process.stdout.write(`${line}\n`);
    }),
  )
  .addCommand(
    fabricCommand(process.env, {
      print: (line) => process.stdout.write(`${line}\n`),
      warn: (line) => process.stderr.write(`${line}\n`),
      setExitCode: (code) => {
        process.exitCode = code;
      },
    }),
  );

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`loomctl: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
