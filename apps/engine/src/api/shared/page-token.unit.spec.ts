import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@loom/errors';
import { loadPageTokenCodec, PAGE_TOKEN_KEY_FILE, PageTokenCodec } from './page-token';

type Cursor = { readonly after: string };
const isCursor = (value: unknown): value is Cursor =>
  typeof value === 'object' && value !== null && typeof (value as Cursor).after === 'string';

function expectBadToken(decode: () => unknown): void {
  try {
    decode();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).violations).toEqual([
      { field: 'page_token', description: expect.any(String) as unknown },
    ]);
    return;
  }
  throw new Error('expected INVALID_ARGUMENT on page_token');
}

describe('page tokens', () => {
  const codec = PageTokenCodec.withRandomKey();
  const scope = 'ListVpcs tenants/acme';

  it('carry a cursor opaquely, as base64url', () => {
    const token = codec.encode({ after: 'blue' }, scope);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(codec.decode(token, scope, isCursor)).toEqual({ after: 'blue' });
  });

  it('start at the first page when empty', () => {
    expect(codec.decode('', scope, isCursor)).toBeUndefined();
  });

  it('refuse a token that was altered, forged, or made with another key', () => {
    const token = codec.encode({ after: 'blue' }, scope);
    const [payload, mac] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ s: scope, c: { after: 'zzz' } })).toString(
      'base64url',
    );
    expectBadToken(() => codec.decode(`${forged}.${mac}`, scope, isCursor));
    expectBadToken(() => codec.decode(`${payload}.${mac.slice(1)}`, scope, isCursor));
    expectBadToken(() => codec.decode(payload, scope, isCursor));
    expectBadToken(() => codec.decode(`${token}.x`, scope, isCursor));
    expectBadToken(() => codec.decode('garbage', scope, isCursor));
    expectBadToken(() => PageTokenCodec.withRandomKey().decode(token, scope, isCursor));
  });

  it('refuse a token of another list request, or of another cursor shape', () => {
    const token = codec.encode({ after: 'blue' }, scope);
    expectBadToken(() => codec.decode(token, 'ListVpcs tenants/globex', isCursor));
    expectBadToken(() => codec.decode(codec.encode(42, scope), scope, isCursor));
  });

  it('keep their key in the data directory, so tokens outlive a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'loom-page-'));
    try {
      const token = (await loadPageTokenCodec(dataDir)).encode({ after: 'x' }, scope);
      const restarted = await loadPageTokenCodec(dataDir);
      expect(restarted.decode(token, scope, isCursor)).toEqual({ after: 'x' });
      expect((await stat(join(dataDir, PAGE_TOKEN_KEY_FILE))).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
