import { PassThrough } from 'node:stream';
import { movingBar, startWaitProgress } from './wait-progress';

describe('the progress of a wait', () => {
  it('runs a block back and forth while running, and fills when done', () => {
    const frames = Array.from({ length: 40 }, (_, step) => movingBar(0, step * 100));
    expect(new Set(frames.map((frame) => frame.length))).toEqual(new Set([24]));
    expect(new Set(frames).size).toBeGreaterThan(10);
    expect(frames[0]).toBe('======                  ');
    expect(frames[18]).toBe('                  ======');
    expect(movingBar(1, 0)).toBe('='.repeat(24));
  });

  it('draws nothing where no person watches (not a terminal)', () => {
    const stream = new PassThrough();
    const written: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => written.push(chunk));
    const running = {
      name: 'tenants/acme/operations/op-1',
      target: 'tenants/acme/vpcs/blue',
      verb: 'create',
      done: false,
      error: null,
      createTime: null,
      endTime: null,
    };
    const progress = startWaitProgress(stream, running);
    progress.update({ ...running, done: true });
    progress.stop();
    expect(written).toEqual([]);
  });
});
