import type { AnySagaDefinition, SagaStep, StepContext } from '@loom/sagas';
import { EngineMetrics } from './engine-metrics';

/**
 * The same definitions, with every step attempt timed by saga kind, step, phase (action or
 * compensation) and outcome: `ok`, `timeout` (the attempt's signal aborted first) or `error`.
 */
export function instrumentSagaSteps(
  definitions: readonly AnySagaDefinition[],
  metrics: EngineMetrics,
): AnySagaDefinition[] {
  return definitions.map((definition) => ({
    ...definition,
    steps: definition.steps.map((step): SagaStep<unknown> => {
      const timed =
        <T>(phase: 'action' | 'compensation', run: (context: StepContext<unknown>) => Promise<T>) =>
        async (context: StepContext<unknown>): Promise<T> => {
          const startedAt = performance.now();
          let outcome = 'error';
          try {
            const result = await run(context);
            outcome = 'ok';
            return result;
          } catch (error) {
            if (context.signal.aborted) outcome = 'timeout';
            throw error;
          } finally {
            metrics.stepDuration.observe(
              { kind: definition.type, step: step.name, phase, outcome },
              EngineMetrics.since(startedAt),
            );
          }
        };
      return {
        ...step,
        action: timed('action', (context) => step.action(context)),
        compensation: timed('compensation', (context) => step.compensation(context)),
      };
    }),
  }));
}
