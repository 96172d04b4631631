import type { FabricDriver } from '../../operations/fabric-driver';
import type { BindL2Vni, FabricOperation, OperationKind } from '../../operations/fabric-operation';
import type { FailureReason, OperationOutcome } from '../../operations/operation-outcome';
import type { DeviceState } from '../../state/fabric-state';

/** A driver opened on the contract's topology, with the hooks the contract needs from its backend. */
export interface FabricDriverUnderTest {
  readonly driver: FabricDriver;
  /**
   * Makes the next `operation` on `device` fail part way, after the device has started to change,
   * and returns what removes the cause. The contract calls it with a bindL2Vni of a new L2 VNI
   * into a VRF that exists.
   */
  failPartWay(device: string, operation: BindL2Vni): Promise<() => Promise<void>>;
  /** Needed with `repliesCanBeLost`: the next `kind` operation on `device` takes effect, its reply is lost. */
  loseNextReply?(device: string, kind: OperationKind): Promise<void>;
  /** What readState does not show (kernel links, running configuration), compared across a failure. */
  deviceSnapshot?(device: string): Promise<unknown>;
  /** Stops the driver and removes whatever it built. */
  close(): Promise<void>;
}

/** Backend quirks and time bounds. */
export interface FabricDriverContractOptions {
  /** The reason a part-way failure is reported with: `injected` by a simulated fault, `rejected` by a device that took its change back. */
  readonly partWayFailureReason: FailureReason;
  /** The backend refuses what exceeds a device's capacity in the topology (default true). */
  readonly enforcesCapacity?: boolean;
  /** A test can make the backend lose an operation's reply (FabricDriverUnderTest.loseNextReply). */
  readonly repliesCanBeLost?: boolean;
  /**
   * The backend runs gateway nodes: the contract's topology gets one (`contract-gw1`) and the
   * gateway operations are tested on it (default false).
   */
  readonly gatewayNodes?: boolean;
  /**
   * The backend runs border leaves with a management network: the contract's topology gets one
   * (`contract-border1`) and the service IP operations are tested on it (default false).
   */
  readonly serviceNodes?: boolean;
  /** How long `await` waits for one operation (default 2 s). */
  readonly operationTimeoutMs?: number;
  /** Jest's limit for one test (default 5 s) and for opening and closing the driver (default 30 s). */
  readonly testTimeoutMs?: number;
  readonly openTimeoutMs?: number;
}

/** What each part of the contract works with; every test starts with both leaves empty. */
export interface ContractContext {
  readonly options: FabricDriverContractOptions;
  /** How long `await` waits for one operation. */
  readonly timeoutMs: number;
  /** `it` with the contract's time bound; skipped when `enabled` is false. */
  test(title: string, body: () => Promise<void>, enabled?: boolean): void;
  opened(): FabricDriverUnderTest;
  driver(): FabricDriver;
  /** Submits under a fresh key (unless given) to contract-leaf1 (unless given) and waits. */
  run(operation: FabricOperation, key?: string, device?: string): Promise<OperationOutcome>;
  /** readState of contract-leaf1 (unless given). */
  state(device?: string): Promise<DeviceState>;
  /** Runs each operation in turn; each outcome must match, the operation named in a failure. */
  expectOutcomes(cases: readonly (readonly [FabricOperation, object])[]): Promise<void>;
}

export const succeeded = (changed: boolean): OperationOutcome => ({ status: 'succeeded', changed });

export const refused = (reason: FailureReason) => ({ status: 'failed', reason });
