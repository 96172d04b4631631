import { UnavailableError } from '@loom/errors';
import { ProjectionWaitTimeoutError } from '@loom/projections';
import { readYourWrites } from './read-your-writes';

describe('readYourWrites', () => {
  it('answers UNAVAILABLE, naming the projection, when the read model has not caught up in time', async () => {
    const behind = {
      waitForHead: () =>
        Promise.reject(new ProjectionWaitTimeoutError('network_operations', 900n, 12n, 10_000)),
    };
    const waited = readYourWrites(behind, 'network_operations', 10_000);
    await expect(waited).rejects.toBeInstanceOf(UnavailableError);
    await expect(waited).rejects.toThrow(/catching up.*network_operations.*900/);
  });

  it('passes any other failure through as it is', async () => {
    const broken = new Error('connection reset');
    const failing = { waitForHead: () => Promise.reject(broken) };
    await expect(readYourWrites(failing, 'network_ports', 10)).rejects.toBe(broken);
  });

  it('resolves once the projection is at the head', async () => {
    const atHead = { waitForHead: () => Promise.resolve() };
    await expect(readYourWrites(atHead, 'network_ports', 10)).resolves.toBeUndefined();
  });
});
