import type { LoggedEvent } from './event-log';

const ends = new Set(['SagaCompleted', 'SagaFailed', 'SagaParked']);

/**
 * Every recorded fabric work started its saga, and every saga has finished or is parked with a
 * reason; and fencing held: an attempt of a step that succeeded was recorded as succeeded by the
 * worker that started it, so no step ran to completion on two workers.
 */
export function checkSagas(streams: ReadonlyMap<string, LoggedEvent[]>): {
  violations: string[];
  sagas: number;
  takeovers: number;
} {
  const violations: string[] = [];
  let sagas = 0;
  let takeovers = 0;
  for (const [stream, events] of streams) {
    if (stream.startsWith('fabric-work-')) {
      for (const work of events.filter((event) => event.type === 'FabricWorkRequested')) {
        const saga = streams.get(`saga-${String(work.data['sagaId'])}`);
        if (!saga?.some((event) => event.type === 'SagaStarted')) {
          violations.push(`${stream}: fabric work recorded, its saga never started`);
        }
      }
    }
    if (!stream.startsWith('saga-')) continue;
    sagas += 1;
    const last = events[events.length - 1];
    const finished = events.filter((event) => ends.has(event.type));
    if (!last || !ends.has(last.type)) {
      violations.push(`${stream}: neither finished nor parked (last: ${last?.type ?? 'nothing'})`);
    }
    for (const parked of finished.filter((event) => event.type === 'SagaParked')) {
      if (typeof parked.data['reason'] !== 'string' || parked.data['reason'] === '')
        violations.push(`${stream}: parked without a reason`);
    }
    const starters = new Map<string, unknown>();
    for (const event of events) {
      const attempt = `${String(event.data['step'])}#${String(event.data['attempt'])}`;
      if (event.type === 'SagaStepStarted') {
        if (starters.has(attempt)) violations.push(`${stream}: ${attempt} started twice`);
        starters.set(attempt, event.metadata['actor']);
      }
      if (event.type === 'SagaStepSucceeded' && starters.get(attempt) !== event.metadata['actor']) {
        violations.push(
          `${stream}: ${attempt} started by ${String(starters.get(attempt))}, succeeded by ${String(event.metadata['actor'])}`,
        );
      }
      if (event.type === 'SagaStepFailed' && event.data['cause'] === 'interrupted') takeovers += 1;
    }
  }
  return { violations, sagas, takeovers };
}
