import { assertProjectionName, projectionEntities, type Projection } from './projection';

class A {}
class B {}
const projection = (name: string, entities: Projection['entities']): Projection => ({
  name,
  entities,
  apply: () => Promise.resolve(),
});

describe('assertProjectionName', () => {
  it.each(['vpc-summary', 'ports.by_subnet', 'a'])('accepts %s', (name) => {
    expect(() => {
      assertProjectionName(name);
    }).not.toThrow();
  });

  it.each(['', 'Vpc', '1vpc', 'vpc summary', 'x'.repeat(101)])('refuses %j', (name) => {
    expect(() => {
      assertProjectionName(name);
    }).toThrow('invalid projection name');
  });
});

describe('projectionEntities', () => {
  it('lists each entity once', () => {
    expect(projectionEntities([projection('a', [A, B]), projection('b', [B])])).toEqual([A, B]);
  });
});
