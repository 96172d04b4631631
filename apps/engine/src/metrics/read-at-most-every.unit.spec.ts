import { readAtMostEvery } from './read-at-most-every';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('readAtMostEvery', () => {
  it('shares one reading between calls within the interval, and reads again after it', async () => {
    let reads = 0;
    const source = readAtMostEvery(100, () => Promise.resolve((reads += 1)));
    expect(await Promise.all([source(), source(), source()])).toEqual([1, 1, 1]);
    expect(await source()).toBe(1);
    await sleep(120);
    expect(await source()).toBe(2);
    expect(reads).toBe(2);
  });

  it('does not keep a failed reading', async () => {
    let reads = 0;
    const source = readAtMostEvery(10_000, () => {
      reads += 1;
      return reads === 1 ? Promise.reject(new Error('database away')) : Promise.resolve(reads);
    });
    await expect(source()).rejects.toThrow('database away');
    expect(await source()).toBe(2);
  });
});
