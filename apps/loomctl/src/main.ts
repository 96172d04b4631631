#!/usr/bin/env node
import type { CliIo } from './cli/cli-context';
import { buildProgram, runProgram } from './program';

/** loomctl: Loom's command line, without Nest, so that it starts fast. */
const io: CliIo = {
  print: (line) => process.stdout.write(`${line}\n`),
  warn: (line) => process.stderr.write(`${line}\n`),
  setExitCode: (code) => {
    process.exitCode = code;
  },
  progressStream: process.stderr,
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// `loomctl ... | head` closes stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const context = { env: process.env, io };
void runProgram(buildProgram(context, readStdin), process.argv, context).then((code) => {
  if (code !== undefined) process.exitCode = code;
});
