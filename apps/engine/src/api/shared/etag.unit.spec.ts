import { AbortedError, InvalidArgumentError } from '@loom/network/shared/errors';
import { checkEtag, formatEtag, parseEtag } from './etag';

describe('etags', () => {
  it('format a revision and parse it back', () => {
    expect(formatEtag(7)).toBe('W/"7"');
    expect(formatEtag(7n)).toBe('W/"7"');
    expect(parseEtag('W/"7"')).toBe(7);
    expect(parseEtag('"7"')).toBe(7);
    expect(parseEtag('')).toBeUndefined();
  });

  it('refuse what Loom did not hand out, on the field named', () => {
    for (const bad of ['7', 'W/7', 'W/"-1"', 'W/"x"']) {
      expect(() => parseEtag(bad, 'tenant.etag')).toThrow(InvalidArgumentError);
      expect(() => parseEtag(bad, 'tenant.etag')).toThrow(/^tenant\.etag: /);
    }
  });

  it('let a change through when the etag is current or absent, abort it when outdated', () => {
    expect(() => {
      checkEtag('W/"3"', 3, 'tenants/acme');
    }).not.toThrow();
    expect(() => {
      checkEtag('', 3, 'tenants/acme');
    }).not.toThrow();
    let aborted: unknown;
    try {
      checkEtag('W/"2"', 3, 'tenants/acme');
    } catch (error) {
      aborted = error;
    }
    expect(aborted).toBeInstanceOf(AbortedError);
    expect(aborted).toMatchObject({ reason: 'ETAG_MISMATCH', resourceName: 'tenants/acme' });
  });
});
