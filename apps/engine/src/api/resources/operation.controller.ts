import { Controller, Inject } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import {
  OperationServiceControllerMethods,
  durationToMillis,
  type GetOperationRequest,
  type ListOperationsRequest,
  type ListOperationsResponse,
  type Operation,
  type OperationServiceController,
  type WaitOperationRequest,
} from '@loom/api-contract';
import { parseOperationName, parseTenantName } from '@loom/names';
import { InvalidArgumentError, NetworkQueries, operationProjection } from '@loom/network';
import type { ProjectionRunner } from '@loom/projections';
import { PROJECTION_RUNNER } from '../../network/network.tokens';
import { normalizePageSize, PageTokenCodec } from '../shared';
import { authorize } from './call-context';
import { waitUntilDone } from './operation-wait';
import { readOperation } from './read-operation';
import { toOperation } from './resource-mapping';

const isName = (value: unknown): value is string => typeof value === 'string';
const maxWaitMs = 60_000;
const defaultWaitMs = 30_000;

@Controller()
@OperationServiceControllerMethods()
export class OperationController implements OperationServiceController {
  constructor(
    @Inject(NetworkQueries) private readonly queries: NetworkQueries,
    @Inject(PageTokenCodec) private readonly pageTokens: PageTokenCodec,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
  ) {}

  async getOperation(request: GetOperationRequest, metadata?: Metadata): Promise<Operation> {
    const { tenant } = parseOperationName(request.name);
    authorize(metadata, 'read', tenant, request.name);
    return readOperation(this.queries, request.name);
  }

  async listOperations(
    request: ListOperationsRequest,
    metadata?: Metadata,
  ): Promise<ListOperationsResponse> {
    const { tenant } = parseTenantName(request.parent, 'parent');
    authorize(metadata, 'read', tenant, request.parent);
    const size = normalizePageSize(request.pageSize);
    const scope = `ListOperations ${request.parent}`;
    const page = await this.queries.operations(
      request.parent,
      size,
      this.pageTokens.decode(request.pageToken, scope, isName),
    );
    return {
      operations: page.rows.map(toOperation),
      nextPageToken:
        page.nextAfter === undefined ? '' : this.pageTokens.encode(page.nextAfter, scope),
    };
  }

  /** Answers once the operation is done or the timeout passes (operation-wait.ts). */
  async waitOperation(request: WaitOperationRequest, metadata?: Metadata): Promise<Operation> {
    const { tenant } = parseOperationName(request.name);
    authorize(metadata, 'read', tenant, request.name);
    const timeout = durationToMillis(request.timeout) ?? defaultWaitMs;
    if (timeout < 0 || timeout > maxWaitMs) {
      throw new InvalidArgumentError([{ field: 'timeout', description: 'must be from 0 to 60 s' }]);
    }
    const deadline = Date.now() + (timeout === 0 ? defaultWaitMs : timeout);
    const projection = operationProjection.name;
    return waitUntilDone(
      {
        read: () => readOperation(this.queries, request.name),
        position: () => this.projections.positionOf(projection),
        waitBeyond: (position, timeoutMs) =>
          this.projections.waitBeyond(projection, position, timeoutMs),
      },
      deadline,
    );
  }
}
