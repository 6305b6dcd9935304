import { durationProblem, durationSchema, formatDuration, isDuration, parseDuration, parseDurationMs } from '../../lib/client/duration';

describe('Go-style durations', () => {
  describe.each([
    ['2h45m30s', 9930],
    ['90m', 5400],
    ['2h', 7200],
    ['1s', 1],
    ['1h30s', 3630],
    ['0h1m', 60],
    ['1m0s', 60],
    ['01m', 60],
    ['36000s', 36000],
    ['100000h', 360_000_000],
  ])('GIVEN the valid duration %j', (text, seconds) => {
    test(`WHEN parsed THEN it is ${seconds} seconds, and every check accepts it`, () => {
      expect(parseDuration(text)).toBe(seconds);
      expect(parseDurationMs(text)).toBe(seconds * 1000);
      expect(durationProblem(text)).toBeUndefined();
      expect(isDuration(text)).toBe(true);
      expect(durationSchema.safeParse(text).success).toBe(true);
    });
  });

  describe.each([
    ['', /cannot be empty/],
    ['0s', /zero/],
    ['0h0m0s', /zero/],
    ['1.5h', /not a duration/],
    ['-1h', /not a duration/],
    ['+1h', /not a duration/],
    ['1d', /not a duration/],
    ['1ms', /not a duration/],
    ['1us', /not a duration/],
    ['1m1h', /not a duration/],
    ['1h1h', /not a duration/],
    ['5', /not a duration/],
    ['h', /not a duration/],
    ['1H', /not a duration/],
    [' 1h', /not a duration/],
    ['1h ', /not a duration/],
    ['1h\n', /not a duration/],
    ['1e3s', /not a duration/],
    ['１h', /not a duration/],
    [`${'9'.repeat(400)}h`, /too long/],
  ])('GIVEN the invalid duration %j', (text, problem) => {
    test('throws when parsed, with words a user can act on, and every check rejects it', () => {
      expect(() => parseDuration(text)).toThrow(RangeError);
      expect(() => parseDuration(text)).toThrow(problem);
      expect(durationProblem(text)).toMatch(problem);
      expect(isDuration(text)).toBe(false);
      const parsed = durationSchema.safeParse(text);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(problem);
    });
  });

  describe.each([
    [9930, '2h45m30s'],
    [3600, '1h'],
    [61, '1m1s'],
    [1, '1s'],
    [86400, '24h'],
    [3601, '1h1s'],
  ])('GIVEN %j seconds', (seconds, text) => {
    test(`WHEN formatted THEN it is ${text}, which parses back to the same number`, () => {
      expect(formatDuration(seconds)).toBe(text);
      expect(parseDuration(formatDuration(seconds))).toBe(seconds);
    });
  });

  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('throws when formatting %j seconds', (seconds) => {
    expect(() => formatDuration(seconds)).toThrow(RangeError);
  });

  test('throws when parsing a non-string (from untyped input) instead of crashing', () => {
    expect(() => parseDuration(42 as unknown as string)).toThrow(RangeError);
    expect(durationProblem(42 as unknown as string)).toMatch(/must be a string/);
  });
});
