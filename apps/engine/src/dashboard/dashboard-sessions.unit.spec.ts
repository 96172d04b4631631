import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpException } from '@nestjs/common';
import {
  loadOrCreateSigningKey,
  loadVerificationKey,
  mintToken,
  TokenVerifier,
  type Role,
  type SigningKey,
} from '@loom/access';
import { DashboardSessions, type DashboardSession } from './dashboard-sessions';

const request = (cookie?: string, csrf?: string): IncomingMessage =>
  ({
    headers: {
      ...(cookie !== undefined && { cookie }),
      ...(csrf !== undefined && { 'x-csrf-token': csrf }),
    },
  }) as IncomingMessage;

const statusOf = (run: () => unknown): number | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof HttpException ? error.getStatus() : -1;
  }
};

describe('dashboard sessions', () => {
  let dataDir: string;
  let key: SigningKey;
  let now = Date.now();
  let sessions: DashboardSessions;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'loom-dashboard-'));
    key = await loadOrCreateSigningKey(dataDir);
    sessions = new DashboardSessions(
      new TokenVerifier(await loadVerificationKey({ dataDir }), () => now),
      () => now,
    );
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const signIn = async (role: Role, ttl = '1h'): Promise<DashboardSession> =>
    sessions.signIn(
      await mintToken(key, {
        role,
        subject: `${role}-user`,
        ...(role === 'tenant' && { tenant: 'acme' }),
        ttl,
      }),
    );
  const cookieOf = (session: DashboardSession) => `other=1; loom_session=${session.id}`;

  it('signs in ops, portal and auditor tokens until the token expires; refuses tenants and junk', async () => {
    const ops = await signIn('ops');
    expect(ops.actor).toBe('ops:ops-user');
    expect(ops.expiresAt).toBeGreaterThan(now + 59 * 60_000);
    expect(ops.expiresAt).toBeLessThanOrEqual(now + 60 * 60_000 + 1000);
    await expect(signIn('portal')).resolves.toMatchObject({ actor: 'portal:portal-user' });
    await expect(signIn('auditor')).resolves.toMatchObject({ actor: 'auditor:auditor-user' });
    await expect(signIn('tenant')).rejects.toMatchObject({ status: 403 });
    await expect(sessions.signIn('not.a.token')).rejects.toMatchObject({ status: 401 });
    await expect(sessions.signIn(undefined)).rejects.toMatchObject({ status: 400 });
  });

  it('finds the session by its cookie, and ends it with the token', async () => {
    const ops = await signIn('ops', '10m');
    expect(sessions.require(request(cookieOf(ops))).id).toBe(ops.id);
    expect(statusOf(() => sessions.require(request()))).toBe(401);
    expect(statusOf(() => sessions.require(request('loom_session=forged')))).toBe(401);
    now += 11 * 60_000;
    try {
      expect(statusOf(() => sessions.require(request(cookieOf(ops))))).toBe(401);
    } finally {
      now -= 11 * 60_000;
    }
  });

  it('lets an action through only with the CSRF token and a role that may act', async () => {
    const ops = await signIn('ops');
    expect(statusOf(() => sessions.requireActor(request(cookieOf(ops), ops.csrfToken)))).toBe(
      undefined,
    );
    expect(statusOf(() => sessions.requireActor(request(cookieOf(ops))))).toBe(403);
    expect(statusOf(() => sessions.requireActor(request(cookieOf(ops), 'x'.repeat(43))))).toBe(403);
    const auditor = await signIn('auditor');
    expect(
      statusOf(() => sessions.requireActor(request(cookieOf(auditor), auditor.csrfToken))),
    ).toBe(403);
  });

  it('sets an HttpOnly SameSite=Strict cookie that lasts as long as the token', async () => {
    const ops = await signIn('ops', '5m');
    const cookie = DashboardSessions.cookie(ops, now);
    expect(cookie).toMatch(
      /^loom_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=(29\d|300)$/,
    );
    expect(DashboardSessions.cookie(undefined)).toContain('Max-Age=0');
  });
});
