import * as limits from '../../lib/contract/duration';
import { durationProblem, formatDuration, isDuration, parseDuration, parseDurationMs } from '../../lib/contract/duration';
import * as schemas from '../../lib/contract/rule-schemas';
import { durationSchema } from '../../lib/contract/rule-schemas';

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
  ])('the valid duration %j', (text, seconds) => {
    test(`GIVEN this duration WHEN parsed THEN it is ${seconds} seconds, and every check accepts it`, () => {
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
  ])('the invalid duration %j', (text, problem) => {
    test('GIVEN this duration WHEN parsed THEN it throws RangeError with words a user can act on, and every check rejects it', () => {
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
  ])('%j seconds', (seconds, text) => {
    test(`GIVEN this many seconds WHEN formatted THEN it is ${text}, which parses back to the same number`, () => {
      expect(formatDuration(seconds)).toBe(text);
      expect(parseDuration(formatDuration(seconds))).toBe(seconds);
    });
  });

  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('GIVEN %j seconds WHEN formatted THEN it throws RangeError', (seconds) => {
    expect(() => formatDuration(seconds)).toThrow(RangeError);
  });

  test('GIVEN a non-string (from untyped input) WHEN parsed THEN it throws RangeError instead of crashing', () => {
    expect(() => parseDuration(42 as unknown as string)).toThrow(RangeError);
    expect(durationProblem(42 as unknown as string)).toMatch(/must be a string/);
  });
});

describe('durations are capped so that what they compute stays valid (issue 10, item 4)', () => {
  test.each([
    ['999999999999h', /"999999999999h" is too long: a duration here is at most 876000h \(100 years/],
    ['100000000h', /is too long: a duration here is at most 876000h/],
    ['876001h', /is too long/],
    ['876000h1s', /is too long/],
  ])('GIVEN the lifetime %j WHEN checked THEN it is refused, naming the limit', (text, message) => {
    expect(limits.durationProblem(text)).toMatch(message);
    expect(schemas.durationSchema.safeParse(text).success).toBe(false);
    expect(() => limits.parseDuration(text)).toThrow(RangeError);
  });

  test('GIVEN the longest lifetime (876000h) WHEN added to any instant before the year 9899 THEN the expiry is still a four-digit-year ISO timestamp', () => {
    expect(limits.durationProblem(limits.MAX_DURATION)).toBeUndefined();
    expect(limits.parseDuration(limits.MAX_DURATION)).toBe(limits.MAX_DURATION_SECONDS);
    const expiry = new Date(Date.UTC(9898, 11, 31) + limits.MAX_DURATION_SECONDS * 1000).toISOString();
    expect(expiry).toMatch(/^9\d{3}-/);
  });

  test.each([
    ['597h', /"597h" is too long: a duration here is at most 596h31m23s \(the longest timer Node.js can run, 2\^31-1 ms\)/],
    ['596h31m24s', /at most 596h31m23s/],
    ['2147484s', /at most 596h31m23s/],
  ])('GIVEN the timeout %j WHEN checked as a timeout THEN it is refused (a longer Node timer fires at once)', (text, message) => {
    expect(limits.timeoutProblem(text)).toMatch(message);
    expect(schemas.timeoutSchema.safeParse(text).success).toBe(false);
    // ...although it is a fine lifetime.
    expect(limits.durationProblem(text)).toBeUndefined();
  });

  test('GIVEN the longest timeout WHEN used as a timer THEN Node runs it as asked (2^31-1 ms), one more ms it would not', () => {
    expect(limits.timeoutProblem(limits.MAX_TIMEOUT)).toBeUndefined();
    expect(limits.parseDurationMs(limits.MAX_TIMEOUT)).toBeLessThanOrEqual(limits.MAX_TIMER_MS);
    expect(limits.MAX_TIMER_MS).toBe(2147483647);
  });

  test('GIVEN a 10,000-character non-duration WHEN refused THEN the message quotes at most 40 characters and names the length', () => {
    const problem = limits.durationProblem('x'.repeat(10_000))!;
    expect(problem).toContain('…(10000 chars)');
    expect(problem.length).toBeLessThan(250);
  });
});
