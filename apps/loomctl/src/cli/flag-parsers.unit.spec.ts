import { InvalidArgumentError } from 'commander';
import { collect, integerFlag, parseDuration } from './flag-parsers';

describe('loomctl flag values', () => {
  it('reads whole numbers in range and refuses the rest', () => {
    const pageSize = integerFlag(1, 1000);
    expect(pageSize('50')).toBe(50);
    expect(pageSize(' 1000 ')).toBe(1000);
    for (const bad of ['0', '1001', '-1', '2.5', '1e3', 'ten', '']) {
      expect(() => pageSize(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('reads durations with a unit, or seconds without one', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('45')).toBe(45_000);
    for (const bad of ['0s', '-5s', '5 minutes', 'soon', '']) {
      expect(() => parseDuration(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('collects a repeated flag in order', () => {
    expect(collect('10.1.0.0/16', collect('10.0.0.0/16', undefined))).toEqual([
      '10.0.0.0/16',
      '10.1.0.0/16',
    ]);
  });
});
