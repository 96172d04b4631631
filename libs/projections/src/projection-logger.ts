/** The part of a pino logger (see @loom/logging) the runner writes to. */
export interface ProjectionLogger {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}
