/**
 * Every device operation carries one of these keys, and it is the same for every attempt of the
 * step (a retry after a failure or a timeout, a takeover after a worker died): no attempt number
 * is added. A device that already applied the operation recognises the repeat instead of applying
 * it twice. A step that runs several operations derives one key per operation from its key, the
 * same way in every attempt. Saga ids and step names cannot hold ':' (see assertSagaId,
 * isStepName), so the keys cannot collide.
 */
export function actionIdempotencyKey(sagaId: string, step: string): string {
  return `${sagaId}:${step}`;
}

export function compensationIdempotencyKey(sagaId: string, step: string): string {
  return `${sagaId}:${step}:compensate`;
}
