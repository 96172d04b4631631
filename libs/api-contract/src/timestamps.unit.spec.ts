import { durationToMillis, timestampToDate, toTimestamp } from './timestamps';

describe('timestamps', () => {
  it('come from Dates, to the millisecond', () => {
    expect(toTimestamp(new Date('2025-03-01T10:20:30.456Z'))).toEqual({
      seconds: String(Date.UTC(2025, 2, 1, 10, 20, 30) / 1000),
      nanos: 456_000_000,
    });
    expect(toTimestamp(new Date(-1500))).toEqual({ seconds: '-2', nanos: 500_000_000 });
  });

  it('come from ISO strings with their full precision and offset', () => {
    const base = Date.UTC(2025, 2, 1, 10, 20, 30) / 1000;
    expect(toTimestamp('2025-03-01T10:20:30Z')).toEqual({ seconds: String(base), nanos: 0 });
    expect(toTimestamp('2025-03-01T10:20:30.123456Z')).toEqual({
      seconds: String(base),
      nanos: 123_456_000,
    });
    expect(toTimestamp('2025-03-01 12:20:30.000000001+02')).toEqual({
      seconds: String(base),
      nanos: 1,
    });
    expect(toTimestamp('2025-03-01T05:20:30.5-05:00')).toEqual({
      seconds: String(base),
      nanos: 500_000_000,
    });
  });

  it('refuse what is not an instant', () => {
    expect(() => toTimestamp('yesterday')).toThrow(/ISO 8601/);
    expect(() => toTimestamp('2025-03-01T10:20:30')).toThrow(/ISO 8601/);
    expect(() => toTimestamp(new Date('nope'))).toThrow(/valid date/);
  });

  it('convert back to Dates and durations to milliseconds', () => {
    expect(timestampToDate({ seconds: '1', nanos: 250_000_000 })).toEqual(new Date(1250));
    expect(durationToMillis({ seconds: '30', nanos: 5_000_000 })).toBe(30_005);
    expect(durationToMillis(null)).toBeUndefined();
  });

  it('refuse a Timestamp out of its range as INVALID_ARGUMENT naming the field (chaos fuzzer regression)', () => {
    // The fuzzer's case: ExportEvents with this start_time answered INTERNAL (Invalid time value).
    for (const bad of [
      { seconds: '-1693522467362428985', nanos: 2 },
      { seconds: '253402300800', nanos: 0 },
      { seconds: '1', nanos: -1 },
      { seconds: '1', nanos: 1_000_000_000 },
    ]) {
      let refusal: unknown;
      try {
        timestampToDate(bad, 'start_time');
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toMatchObject({
        kind: 'invalid-argument',
        violations: [{ field: 'start_time' }],
      });
    }
    expect(timestampToDate({ seconds: '253402300799', nanos: 999_999_999 }).getUTCFullYear()).toBe(
      9999,
    );
  });
});
