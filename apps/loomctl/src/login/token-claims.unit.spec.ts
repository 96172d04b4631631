import { describeClaims, readTokenClaims } from './token-claims';

const jwt = (claims: object) =>
  `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.signature`;

describe('what loomctl login says about a token', () => {
  it('reads who the token speaks for', () => {
    const claims = readTokenClaims(
      jwt({ sub: 'alice', role: 'tenant', tenant: 'acme', exp: 1767225600 }),
    );
    expect(claims).toEqual({
      subject: 'alice',
      role: 'tenant',
      tenant: 'acme',
      expiresAt: 1767225600,
    });
    expect(describeClaims(claims!)).toBe(
      'alice (role tenant, tenant acme), expires 2026-01-01T00:00:00Z',
    );
  });

  it('knows a string that is not a JWT', () => {
    expect(readTokenClaims('not-a-token')).toBeUndefined();
    expect(readTokenClaims('a.%%%.c')).toBeUndefined();
  });
});
