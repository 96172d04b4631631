import { SagaChanges } from './saga-changes';

describe('SagaChanges', () => {
  const sagas = { lastChange: () => Promise.resolve(null) };

  it('ends every open stream at close, and says it is closed from then on', () => {
    const changes = new SagaChanges(sagas, 60_000);
    const ended: string[] = [];
    changes.track({ end: () => ended.push('a') });
    const forgetB = changes.track({ end: () => ended.push('b') });
    changes.track({ end: () => ended.push('c') });
    forgetB();
    expect(changes.closed).toBe(false);
    changes.close();
    expect(ended).toEqual(['a', 'c']);
    expect(changes.closed).toBe(true);
  });

  it('stays open when its last listener leaves (only the polling stops)', () => {
    const changes = new SagaChanges(sagas, 60_000);
    const unsubscribe = changes.subscribe(() => undefined);
    unsubscribe();
    expect(changes.closed).toBe(false);
  });
});
