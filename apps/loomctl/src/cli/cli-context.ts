/** What commands print to and read from: the process in main.ts, recording fakes in unit tests. */
export interface CliIo {
  /** A line of output, for people or scripts (stdout). */
  print(line: string): void;
  /** A line for the person only: progress, hints, errors (stderr). */
  warn(line: string): void;
  setExitCode(code: number): void;
  /** Where progress indicators draw; they draw only when it is a terminal. */
  readonly progressStream: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** Runs `handler` on Ctrl-C (SIGINT) instead of exiting, until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
}

export interface CliContext {
  readonly env: NodeJS.ProcessEnv;
  readonly io: CliIo;
}
