import { filterCondition, filterParameters } from './event-filter-sql';

describe('filterParameters', () => {
  it('matches everything without a filter', () => {
    expect(filterParameters(undefined)).toEqual({ streamPatterns: [], eventTypes: [] });
  });

  it('turns prefixes into LIKE patterns with the wildcards of the prefix escaped', () => {
    expect(
      filterParameters({ streamPrefixes: ['vpc-', 'a_b%c\\'], eventTypes: ['VpcCreated'] }),
    ).toEqual({ streamPatterns: ['vpc-%', 'a\\_b\\%c\\\\%'], eventTypes: ['VpcCreated'] });
  });
});

describe('filterCondition', () => {
  it('numbers its parameters from the given one', () => {
    expect(filterCondition(2)).toContain('$2::text[]');
    expect(filterCondition(2)).toContain('$3::text[]');
  });
});
