import { SharedLookups } from './shared-lookups';

describe('SharedLookups', () => {
  it('looks a key up once for every caller, remembering the last `capacity` keys', async () => {
    const lookups = new SharedLookups<bigint, string>(2);
    let calls = 0;
    const lookup = (value: string) => () => {
      calls += 1;
      return Promise.resolve(value);
    };
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => lookups.get(10n, lookup('ten'))),
    );
    expect(new Set(answers)).toEqual(new Set(['ten']));
    expect(calls).toBe(1);
    await lookups.get(20n, lookup('twenty'));
    await lookups.get(30n, lookup('thirty'));
    expect(lookups.size).toBe(2);
    expect(await lookups.get(10n, lookup('ten again'))).toBe('ten again');
    expect(calls).toBe(4);
  });

  it('forgets a lookup that failed, so the next caller tries again', async () => {
    const lookups = new SharedLookups<bigint, string>(8);
    await expect(lookups.get(1n, () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await lookups.get(1n, () => Promise.resolve('up'))).toBe('up');
  });
});
