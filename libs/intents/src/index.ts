// The intent runtime: deciders over event streams, committed atomically (group commit over a
// multi-stream append), once per request_id. Every resource's intents go through it.
export { fold, type Decider, type DomainEvent } from './decider';
export { EventCatalog, type EventSchema, type Upcaster } from './event-catalog';
export { AggregateStore, type Executed } from './aggregate-store';
export type { Decided, IntentTransaction, StreamCommands } from './intent-transaction';
export { eventMetadata, type RequestContext } from './request-context';
export {
  RequestService,
  type IdempotentRequest,
  type RequestOutcome,
} from './requests/request.service';
export { requestDecider, type RequestCommand, type RequestState } from './requests/request.decider';
export type { RequestEvent } from './requests/request.events';
export { requestStream } from './requests/request-stream';
