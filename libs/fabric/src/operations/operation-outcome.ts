/**
 * Why a device refused an operation (or why Loom cannot know it happened). Sagas decide on the
 * reason: `capacity` means place elsewhere, `unreachable`/`injected` may be retried, and
 * `reply-lost` may be retried or the device's state read to learn what happened. A retry repeats
 * the idempotency key: after a failure the driver runs the operation again (libs/fabric/README.md).
 */
export type FailureReason =
  /** The device is not in the topology. */
  | 'unknown-device'
  /** The device could not be reached; nothing was applied. */
  | 'unreachable'
  /** A spine holds no tenant configuration. */
  | 'unsupported'
  /** A malformed value: a bad RD, VNI, VLAN, prefix, MAC or an interface the device lacks. */
  | 'invalid'
  /** Applying it would exceed the device's VRF, L2 VNI or L3 VNI limit. */
  | 'capacity'
  /** Something different already holds the name, VNI, VLAN or RD. */
  | 'conflict'
  /** It needs a VRF that does not exist. */
  | 'not-found'
  /** Something still depends on what it would remove, or a prerequisite is not configured. */
  | 'dependency'
  /** The device failed to apply it part way, and took back what it had done: nothing changed. */
  | 'rejected'
  /** A fault injected into the simulated fabric. */
  | 'injected'
  /** The device applied it but the reply never arrived. */
  | 'reply-lost';

export type OperationOutcome =
  | { readonly status: 'running' }
  /** `changed` is false when the configuration was already in place (an idempotent no-op). */
  | { readonly status: 'succeeded'; readonly changed: boolean }
  | { readonly status: 'failed'; readonly reason: FailureReason; readonly message: string };
