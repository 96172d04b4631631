import type { FabricOperation } from '../operations/fabric-operation';
import type { FabricTopology } from '../topology/topology';
import type {
  ContractContext,
  FabricDriverContractOptions,
  FabricDriverUnderTest,
} from './driver-contract/contract-context';
import { describeAccessPorts } from './driver-contract/access-ports.contract';
import { describeGatewayOperations } from './driver-contract/gateway-operations.contract';
import { describeServiceOperations } from './driver-contract/service-operations.contract';
import {
  contractBorder,
  contractGateway,
  contractLeaf,
  contractTopology,
  contractTopologyWithEdges,
  contractTopologyWithGateway,
  otherLeaf,
  resetDevice,
  runOperation,
} from './driver-contract/contract-fixtures';
import { describeIdempotencyKeys } from './driver-contract/idempotency-keys.contract';
import { describeOperationKinds } from './driver-contract/operation-kinds.contract';
import { describePartWayFailure } from './driver-contract/part-way-failure.contract';
import { describeRefusals } from './driver-contract/refusals.contract';
import { describeShapingOperations } from './driver-contract/shaping-operations.contract';

export type {
  FabricDriverContractOptions,
  FabricDriverUnderTest,
} from './driver-contract/contract-context';

/**
 * What every FabricDriver does, whatever the backend: each operation kind with its read-back,
 * the idempotency-key contract of libs/fabric/README.md, refusals, and a failure part way that
 * leaves the device as it was. Each driver's spec file calls this with `open`, which builds the
 * driver on the contract's topology (contractTopology); backend quirks are `options`.
 */
export function describeFabricDriverContract(
  name: string,
  open: (topology: FabricTopology) => Promise<FabricDriverUnderTest>,
  options: FabricDriverContractOptions,
): void {
  const timeoutMs = options.operationTimeoutMs ?? 2_000;
  const testTimeoutMs = options.testTimeoutMs ?? 5_000;
  const openTimeoutMs = options.openTimeoutMs ?? 30_000;

  describe(`fabric driver contract: ${name}`, () => {
    let subject: FabricDriverUnderTest | undefined;
    const opened = (): FabricDriverUnderTest => {
      if (!subject) throw new Error(`the ${name} driver did not open`);
      return subject;
    };
    const run = (operation: FabricOperation, key?: string, device = contractLeaf) =>
      runOperation(opened().driver, device, operation, timeoutMs, key);
    const context: ContractContext = {
      options,
      timeoutMs,
      test: (title, body, enabled = true) => {
        (enabled ? it : it.skip)(title, body, testTimeoutMs);
      },
      opened,
      driver: () => opened().driver,
      run,
      state: (device = contractLeaf) => opened().driver.readState(device),
      expectOutcomes: async (cases) => {
        for (const [operation, outcome] of cases) {
          expect({ operation, outcome: await run(operation) }).toMatchObject({
            operation,
            outcome,
          });
        }
      },
    };

    beforeAll(async () => {
      subject = await open(
        options.serviceNodes
          ? contractTopologyWithEdges
          : options.gatewayNodes
            ? contractTopologyWithGateway
            : contractTopology,
      );
    }, openTimeoutMs);
    afterAll(async () => {
      await subject?.close();
    }, openTimeoutMs);
    // Every test starts from empty leaves, and none leaks capacity into the next.
    afterEach(async () => {
      if (!subject) return;
      const devices = [
        contractLeaf,
        otherLeaf,
        ...(options.gatewayNodes || options.serviceNodes ? [contractGateway] : []),
        ...(options.serviceNodes ? [contractBorder] : []),
      ];
      for (const device of devices) {
        await resetDevice(subject.driver, device, timeoutMs);
      }
    }, testTimeoutMs);

    describeOperationKinds(context);
    describeAccessPorts(context);
    describeIdempotencyKeys(context);
    describeRefusals(context);
    describePartWayFailure(context);
    describeGatewayOperations(context);
    describeServiceOperations(context);
    describeShapingOperations(context);
  });
}
