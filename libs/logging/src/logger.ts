import pino, { type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

export const logLevels: readonly LevelWithSilent[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

/** JSON lines on stdout: one object per event, with the component that logged it. */
export function createLogger(level: LevelWithSilent = 'info'): Logger {
  return pino({ level, base: { service: 'loom' }, timestamp: pino.stdTimeFunctions.isoTime });
}
