// Test kit for projections: an in-memory log, a recording logger and small
// counting projections. Other libraries import it as '@loom/projections/testing'.
export { InMemoryLog } from './in-memory-log';
export { RecordingLogger, type LogEntry } from './recording-logger';
