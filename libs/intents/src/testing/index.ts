// Test helpers for code built on the intent runtime (`@loom/intents/testing`): deciders
// specified as given events, when a command, then events or a refusal.
export { specify } from './decider-specification';
