// The intent runtime: deciders over event streams, committed atomically (group commit over a
// multi-stream append), once per request_id, with the fabric work they start. Every resource's
// intents go through IntentRuntime.submit.
export { fold, type Decider, type DomainEvent } from './decider';
export { EventCatalog, type EventSchema, type Upcaster } from './event-catalog';
export { AggregateStore, type Executed } from './aggregate-store';
export type { Decided, IntentTransaction } from './intent-transaction';
export { eventMetadata, type RequestContext } from './request-context';
export { IntentRuntime, type FabricWork, type Intent, type IntentOutcome } from './intent-runtime';
export type { IntentRequest } from './requests/idempotent-request';
export { requestStream } from './requests/request-stream';
export type { RequestEvent } from './requests/request.events';
export type { FabricWorkEvent, FabricWorkRequested } from './fabric-work/fabric-work.events';
export {
  startFabricWorkDispatcher,
  type EventReaction,
  type FabricWorkDispatcherOptions,
  type FabricWorkRequest,
  type SagaStarter,
} from './fabric-work/fabric-work-dispatcher';
