import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { readOrCreatePrivateFile } from '@loom/access';
import { InvalidArgumentError } from '@loom/errors';

/**
 * What a list handler keeps in a page token: where the next page starts. A JSON value; declare
 * object cursors as type aliases (`type Cursor = {after: string}`), which TypeScript lets an index
 * signature accept, unlike interfaces.
 */
export type PageCursor =
  string | number | boolean | null | readonly PageCursor[] | { readonly [key: string]: PageCursor };

/** The HMAC key for page tokens, kept in the data directory so tokens survive a restart. */
export const PAGE_TOKEN_KEY_FILE = 'page-token-key';

const MAC_BYTES = 16;

/**
 * Page tokens: opaque to clients (base64url JSON plus an HMAC), so a client cannot forge a cursor
 * or reuse a token with a different request. `scope` names the request a token belongs to, e.g.
 * `ListVpcs tenants/acme`; a token from another scope, altered, or made with another key is
 * INVALID_ARGUMENT on `page_token`.
 */
export class PageTokenCodec {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('a page token key has at least 32 bytes');
  }

  /** A codec with a key of this process only (tests, or tokens that need not outlive it). */
  static withRandomKey(): PageTokenCodec {
    return new PageTokenCodec(randomBytes(32));
  }

  encode(cursor: PageCursor, scope: string): string {
    const payload = Buffer.from(JSON.stringify({ s: scope, c: cursor })).toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /**
   * The cursor of `token`, or undefined for the empty token (the first page). `isCursor` checks
   * the shape, so a token written by an older engine version cannot smuggle in another one.
   */
  decode<C>(token: string, scope: string, isCursor: (value: unknown) => value is C): C | undefined {
    if (token === '') return undefined;
    const [payload = '', mac = '', ...rest] = token.split('.');
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(payload);
    if (rest.length > 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw invalidToken();
    }
    const content = parseJson(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof content !== 'object' || content === null || !('s' in content) || !('c' in content)) {
      throw invalidToken();
    }
    if (content.s !== scope || !isCursor(content.c)) throw invalidToken();
    return content.c;
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, MAC_BYTES);
  }
}

/** The codec with the data directory's key, created on first use. */
export async function loadPageTokenCodec(dataDir: string): Promise<PageTokenCodec> {
  const key = await readOrCreatePrivateFile(join(dataDir, PAGE_TOKEN_KEY_FILE), () =>
    Promise.resolve(`${randomBytes(32).toString('base64url')}\n`),
  );
  return new PageTokenCodec(Buffer.from(key.trim(), 'base64url'));
}

function invalidToken(): InvalidArgumentError {
  return new InvalidArgumentError([
    { field: 'page_token', description: 'is not a page token this list request returned' },
  ]);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidToken();
  }
}
