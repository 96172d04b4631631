// The decider specification moved to the intent runtime, beside the Decider it specifies.
export { specify } from '@loom/intents/testing';
