import { checkServicePrefixes, maxServicePrefixes } from './service-ip.validation';

const field = 'service_ip.prefixes';

describe('service IP prefixes', () => {
  it('accepts management hosts and prefixes that do not overlap', () => {
    expect(checkServicePrefixes(field, ['10.0.200.10/32', '10.0.201.0/24'])).toEqual([]);
  });

  it.each([
    ['malformed', ['10.0.200.300/32'], `${field}[0]`],
    ['with host bits', ['10.0.200.10/24'], `${field}[0]`],
    ['covering 0.0.0.0/0', ['10.0.200.10/32', '0.0.0.0/0'], `${field}[1]`],
    ['overlapping', ['10.0.200.0/24', '10.0.200.10/32'], `${field}[1]`],
    ['none', [], field],
    ['too many', Array.from({ length: maxServicePrefixes + 1 }, (_, i) => `10.1.${i}.0/24`), field],
  ])('refuses prefixes %s, naming the field', (_label, prefixes, named) => {
    expect(checkServicePrefixes(field, prefixes).map((violation) => violation.field)).toEqual([
      named,
    ]);
  });
});
