import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Logger } from '@loom/logging';
import { InvalidArgumentError, type FabricRepair } from '@loom/network';
import {
  InvalidSagaRequestError,
  SagaCommandRejectedError,
  SagaNotFoundError,
  Sagas,
  type SagaOperatorAction,
} from '@loom/sagas';
import { AuditQueries } from '@loom/audit';
import { LOGGER } from '../config/config.module';
import { toTraceView } from './trace-view';
import { DashboardSessions } from './dashboard-sessions';
import { DashboardViews, summaryView } from './dashboard-views';
import { SagaChanges } from './saga-changes';
import { sagaFilterOf, sagaPageQueryOf } from './saga-query';

type Json = Record<string, unknown>;
const actions: readonly SagaOperatorAction[] = ['retry', 'abort', 'resolve'];

function actionOf(value: unknown): SagaOperatorAction {
  if (!actions.includes(value as SagaOperatorAction)) {
    throw new HttpException('action must be retry, abort or resolve', HttpStatus.BAD_REQUEST);
  }
  return value as SagaOperatorAction;
}

function reasonOf(body: Json): string {
  const reason = typeof body['reason'] === 'string' ? body['reason'].trim() : '';
  if (!reason) throw new HttpException('a reason is required', HttpStatus.BAD_REQUEST);
  if (reason.length > 500) throw new HttpException('a reason is at most 500 characters', 400);
  return reason;
}

/** Saga API errors as HTTP statuses; anything else stays a 500. */
async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SagaNotFoundError) throw new HttpException(error.message, 404);
    if (error instanceof SagaCommandRejectedError) throw new HttpException(error.message, 409);
    if (error instanceof InvalidSagaRequestError) throw new HttpException(error.message, 400);
    throw error;
  }
}

/**
 * The dashboard's JSON API (`/api/dashboard/...`, same origin as the page): sign-in, the views,
 * live changes as server-sent events, and the operator actions, which need an ops or portal
 * session and its CSRF token. Auditors read everything and may do nothing.
 */
@Controller('api/dashboard')
export class DashboardApiController {
  constructor(
    @Inject(DashboardSessions) private readonly sessions: DashboardSessions,
    @Inject(DashboardViews) private readonly views: DashboardViews,
    @Inject(SagaChanges) private readonly changes: SagaChanges,
    @Inject(Sagas) private readonly sagas: Sagas,
    @Inject(AuditQueries) private readonly audit: AuditQueries,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post('session')
  @HttpCode(200)
  async signIn(@Body() body: Json | undefined, @Res({ passthrough: true }) res: ServerResponse) {
    const session = await this.sessions.signIn(body?.['token']);
    res.setHeader('Set-Cookie', DashboardSessions.cookie(session));
    this.logger.info({ actor: session.actor }, 'dashboard sign-in');
    return this.describe(session);
  }

  @Get('session')
  session(@Req() req: IncomingMessage) {
    return this.describe(this.sessions.require(req));
  }

  @Delete('session')
  @HttpCode(204)
  signOut(@Req() req: IncomingMessage, @Res({ passthrough: true }) res: ServerResponse): void {
    this.sessions.signOut(req);
    res.setHeader('Set-Cookie', DashboardSessions.cookie(undefined));
  }

  @Get('overview')
  overview(@Req() req: IncomingMessage) {
    this.sessions.require(req);
    return this.views.overview();
  }

  @Get('sagas')
  async list(@Req() req: IncomingMessage, @Query() query: Json) {
    this.sessions.require(req);
    const page = await mapped(() => this.sagas.search(sagaPageQueryOf(query)));
    return { sagas: page.sagas.map(summaryView), nextCursor: page.nextCursor ?? null };
  }

  @Get('sagas/:sagaId')
  async detail(@Req() req: IncomingMessage, @Param('sagaId') sagaId: string) {
    this.sessions.require(req);
    const detail = await this.views.sagaDetail(sagaId);
    if (!detail) throw new HttpException(`no saga ${sagaId}`, HttpStatus.NOT_FOUND);
    return detail;
  }

  /**
   * The audit trace (AuditService/TraceCall's answer, from the same queries) of the call that
   * started a saga (`sagaId`), or of a correlation id (a drift repair's `repairId`).
   */
  @Get('trace')
  async trace(@Req() req: IncomingMessage, @Query() query: Json) {
    this.sessions.require(req);
    const sagaId = typeof query['sagaId'] === 'string' ? query['sagaId'] : '';
    const correlationId = typeof query['correlationId'] === 'string' ? query['correlationId'] : '';
    if (!sagaId && !correlationId) {
      throw new HttpException('name a sagaId or a correlationId', HttpStatus.BAD_REQUEST);
    }
    const trace = await this.audit.trace(sagaId ? { sagaId } : { correlationId });
    if (!trace) throw new HttpException(`no trace of ${sagaId || correlationId}`, 404);
    return toTraceView(trace);
  }

  @Get('fabric')
  fabric(@Req() req: IncomingMessage) {
    this.sessions.require(req);
    return this.views.fabric();
  }

  @Post('sagas/:sagaId/actions')
  @HttpCode(200)
  async act(
    @Req() req: IncomingMessage,
    @Param('sagaId') sagaId: string,
    @Body() body: Json | undefined,
  ) {
    const session = this.sessions.requireActor(req);
    const action = actionOf(body?.['action']);
    const reason = reasonOf(body ?? {});
    const saga = await mapped(() =>
      this.sagas.act(action, sagaId, { actor: session.actor, reason }),
    );
    this.logger.info({ actor: session.actor, action, sagaId }, 'operator action on a saga');
    return summaryView(saga);
  }

  @Post('batch/preview')
  @HttpCode(200)
  async preview(@Req() req: IncomingMessage, @Body() body: Json | undefined) {
    this.sessions.requireActor(req);
    const action = actionOf(body?.['action']);
    const filter = sagaFilterOf((body?.['filter'] ?? {}) as Json);
    return { action, count: await this.sagas.preview(action, filter) };
  }

  @Post('batch')
  @HttpCode(200)
  async batch(@Req() req: IncomingMessage, @Body() body: Json | undefined) {
    const session = this.sessions.requireActor(req);
    const action = actionOf(body?.['action']);
    const reason = reasonOf(body ?? {});
    const filter = sagaFilterOf((body?.['filter'] ?? {}) as Json);
    const result = await mapped(() =>
      this.sagas.batch(action, filter, { actor: session.actor, reason }),
    );
    this.logger.info(
      { actor: session.actor, action, applied: result.applied.length },
      'operator batch action on sagas',
    );
    return result;
  }

  @Post('fabric/:device/repair')
  @HttpCode(200)
  async repair(
    @Req() req: IncomingMessage,
    @Param('device') device: string,
    @Body() body: Json | undefined,
  ) {
    const session = this.sessions.requireActor(req);
    const reason = reasonOf(body ?? {});
    let repair: FabricRepair;
    try {
      repair = await this.views.repairDevice(device, session.actor, reason);
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw new HttpException(error.message, 400);
      throw error;
    }
    const { repairId, sagaIds, unreachable } = repair;
    this.logger.info(
      { actor: session.actor, device, repairId, sagaIds },
      'operator repair of a device',
    );
    return { repairId, sagaId: sagaIds[0] ?? null, sagaIds, unreachable };
  }

  /** Server-sent events: `sagas` whenever the saga index changes, `tick` every 5 s; 503 once stopping. */
  @Get('events')
  events(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    const session = this.sessions.require(req);
    if (this.changes.closed) {
      throw new HttpException('the engine is stopping', HttpStatus.SERVICE_UNAVAILABLE);
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    const unsubscribe = this.changes.subscribe((change) => {
      res.write(`event: sagas\ndata: ${JSON.stringify({ change })}\n\n`);
    });
    const tick = setInterval(() => {
      if (session.expiresAt <= Date.now()) res.end();
      else res.write(`event: tick\ndata: {}\n\n`);
    }, 5_000);
    const forget = this.changes.track(res);
    const close = (): void => {
      clearInterval(tick);
      unsubscribe();
      forget();
    };
    req.on('close', close);
    res.on('close', close);
  }

  private describe(session: ReturnType<DashboardSessions['require']>) {
    return {
      actor: session.actor,
      role: session.principal.role,
      subject: session.principal.subject,
      csrfToken: session.csrfToken,
      expiresAt: new Date(session.expiresAt).toISOString(),
      canAct: session.principal.role !== 'auditor',
    };
  }
}
