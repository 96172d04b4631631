import type { ProjectionLogger } from '../projection-logger';

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly details: object;
  readonly message: string;
}

/** Keeps what the runner logs, for tests to assert on (and to keep test output quiet). */
export class RecordingLogger implements ProjectionLogger {
  readonly entries: LogEntry[] = [];

  debug(details: object, message: string): void {
    this.entries.push({ level: 'debug', details, message });
  }
  info(details: object, message: string): void {
    this.entries.push({ level: 'info', details, message });
  }
  warn(details: object, message: string): void {
    this.entries.push({ level: 'warn', details, message });
  }
  error(details: object, message: string): void {
    this.entries.push({ level: 'error', details, message });
  }

  errors(): LogEntry[] {
    return this.entries.filter((entry) => entry.level === 'error');
  }
}
