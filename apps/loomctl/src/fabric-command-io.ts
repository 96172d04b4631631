/** Where `loomctl fabric` commands write, so that tests can read what they wrote. */
export interface FabricCommandIo {
  /** A line of output (stdout). */
  print(line: string): void;
  /** A line for the person, not for a script reading stdout (stderr). */
  warn(line: string): void;
  setExitCode(code: number): void;
}
