/**
 * The decider refused a command: it does not fit the saga's state. A worker that meets this has
 * acted on a stale view; an operator has asked for something the saga's status does not allow.
 */
export class SagaCommandRejectedError extends Error {
  constructor(
    readonly code:
      | 'NOT_STARTED'
      | 'ALREADY_STARTED'
      | 'WRONG_STATUS'
      | 'UNKNOWN_STEP'
      | 'NOT_CURRENT_STEP'
      | 'WRONG_ATTEMPT'
      | 'TOO_EARLY'
      | 'WORK_REMAINS',
    message: string,
  ) {
    super(message);
    this.name = 'SagaCommandRejectedError';
  }
}
