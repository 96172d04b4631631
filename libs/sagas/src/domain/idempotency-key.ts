/**
 * Every device operation carries one of these keys. A retry of the same step reuses its key, so a
 * device that already applied the operation (an attempt that timed out, a worker that died before
 * recording it) recognises the retry instead of applying it twice. Saga ids and step names
 * cannot hold ':' (see assertSagaId, assertStepName), so the keys cannot collide.
 */
export function actionIdempotencyKey(sagaId: string, step: string): string {
  return `${sagaId}:${step}`;
}

export function compensationIdempotencyKey(sagaId: string, step: string): string {
  return `${sagaId}:${step}:compensate`;
}
