import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpException, HttpStatus } from '@nestjs/common';
import type { Principal, TokenVerifier } from '@loom/access';

/** Who is signed in to the dashboard, until when, and the token their actions must send back. */
export interface DashboardSession {
  readonly id: string;
  readonly principal: Principal;
  readonly actor: string;
  readonly csrfToken: string;
  readonly expiresAt: number;
}

export const sessionCookie = 'loom_session';
const dashboardRoles: readonly string[] = ['ops', 'portal', 'auditor'];
const actingRoles: readonly string[] = ['ops', 'portal'];
const sessionLimit = 10_000;

/**
 * Dashboard sessions, in this process's memory. Signing in exchanges an access token (POSTed
 * once, never in a URL) for a random session id in an HttpOnly, SameSite=Strict cookie that
 * expires with the token; the token itself is not kept. A per-session CSRF token must come back
 * in the `X-CSRF-Token` header of every action, on top of SameSite.
 */
export class DashboardSessions {
  private readonly sessions = new Map<string, DashboardSession>();

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly now: () => number = Date.now,
  ) {}

  async signIn(token: unknown): Promise<DashboardSession> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) {
      throw new HttpException('an access token is required', HttpStatus.BAD_REQUEST);
    }
    let principal: Principal;
    try {
      principal = await this.verifier.verify(token);
    } catch {
      throw new HttpException('the access token is not valid', HttpStatus.UNAUTHORIZED);
    }
    if (!dashboardRoles.includes(principal.role)) {
      throw new HttpException(
        `role ${principal.role} may not use the dashboard (ops, portal or auditor)`,
        HttpStatus.FORBIDDEN,
      );
    }
    const expiresAt = expiryOf(token);
    if (expiresAt <= this.now()) {
      throw new HttpException('the access token has expired', HttpStatus.UNAUTHORIZED);
    }
    this.sweep();
    const session: DashboardSession = {
      id: randomBytes(32).toString('base64url'),
      principal,
      actor: `${principal.role}:${principal.subject}`,
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  signOut(request: IncomingMessage): void {
    const id = cookieOf(request, sessionCookie);
    if (id !== undefined) this.sessions.delete(id);
  }

  /** The request's session; 401 without a live one. */
  require(request: IncomingMessage): DashboardSession {
    const id = cookieOf(request, sessionCookie);
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (!session || session.expiresAt <= this.now()) {
      if (id !== undefined) this.sessions.delete(id);
      throw new HttpException('sign in first', HttpStatus.UNAUTHORIZED);
    }
    return session;
  }

  /** The session of an action: a role that may act, and the session's CSRF token in the header. */
  requireActor(request: IncomingMessage): DashboardSession {
    const session = this.require(request);
    const sent = request.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) {
      throw new HttpException('missing or wrong CSRF token', HttpStatus.FORBIDDEN);
    }
    if (!actingRoles.includes(session.principal.role)) {
      throw new HttpException(
        `role ${session.principal.role} may read but not act`,
        HttpStatus.FORBIDDEN,
      );
    }
    return session;
  }

  /** The Set-Cookie value of a session (or of its removal). */
  static cookie(session: DashboardSession | undefined, now = Date.now()): string {
    const attributes = 'Path=/; HttpOnly; SameSite=Strict';
    if (!session) return `${sessionCookie}=; ${attributes}; Max-Age=0`;
    const maxAge = Math.max(0, Math.floor((session.expiresAt - now) / 1000));
    return `${sessionCookie}=${session.id}; ${attributes}; Max-Age=${maxAge}`;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) {
      if (session.expiresAt <= now) this.sessions.delete(id);
    }
    if (this.sessions.size >= sessionLimit) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
  }
}

/** The `exp` of a token the verifier accepted (so its payload is known to be well formed). */
function expiryOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    exp?: unknown;
  };
  return typeof payload.exp === 'number' ? payload.exp * 1000 : 0;
}

function cookieOf(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
