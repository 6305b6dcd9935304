import { backoffDelay, isRetryable, mayHaveApplied, parseRetryAfter, type AttemptOutcome } from '../../lib/client/retry';
import type { RouteName } from '../../lib/contract/routes';
import { bearerRefreshMargin } from '../../lib/client/session';

const status = (s: number): AttemptOutcome => ({ kind: 'status', status: s });
const notSent: AttemptOutcome = { kind: 'transport', sent: 'no', retryable: true };
const maybeSent: AttemptOutcome = { kind: 'transport', sent: 'maybe', retryable: true };
const tls: AttemptOutcome = { kind: 'transport', sent: 'no', retryable: false };

describe('the retry matrix', () => {
  const safe: RouteName[] = ['whoami', 'list', 'delete', 'exchange', 'mint'];
  const cases: Array<[string, AttemptOutcome, boolean, boolean]> = [
    // failure, outcome, retried when safe to repeat, retried for redeem
    ['429', status(429), true, true],
    ['503', status(503), true, true],
    ['502', status(502), true, false],
    ['504', status(504), true, false],
    ['400', status(400), false, false],
    ['403', status(403), false, false],
    ['404', status(404), false, false],
    ['409', status(409), false, false],
    ['connection refused', notSent, true, true],
    ['reset after sending', maybeSent, true, false],
    ['certificate error', tls, false, false],
  ];
  test.each([
    ['whoami', true],
    ['list', true],
    ['exchange', true],
    ['mint', false],
    ['delete', false],
    ['redeem', false],
  ] as Array<[RouteName, boolean]>)(
    'GIVEN a 500 WHEN the operation is %s THEN retried: %s (only operations that change nothing)',
    (route, expected) => {
      expect(isRetryable(route, status(500))).toBe(expected);
    },
  );

  describe.each(cases)('an attempt that ended with %s', (_label, outcome, whenSafe, forRedeem) => {
    test.each(safe)(`GIVEN this attempt WHEN the operation is %s THEN it is ${whenSafe ? '' : 'not '}retried`, (route) => {
      expect(isRetryable(route, outcome)).toBe(whenSafe);
    });
    test(`GIVEN this attempt WHEN the operation is redeem THEN it is ${forRedeem ? '' : 'not '}retried`, () => {
      expect(isRetryable('redeem', outcome)).toBe(forRedeem);
    });
  });

  test.each([
    [status(429), false],
    [status(503), false],
    [status(502), true],
    [status(500), true],
    [status(409), false],
    [notSent, false],
    [maybeSent, true],
  ])('GIVEN the outcome %j WHEN asked whether it may have applied THEN the answer is %j', (outcome, expected) => {
    expect(mayHaveApplied(outcome)).toBe(expected);
  });
});

describe('backoff with full jitter', () => {
  test('GIVEN random 1 WHEN retrying THEN the ceiling doubles up to the maximum', () => {
    const one = (): number => 1;
    expect([0, 1, 2, 3, 4, 10].map((i) => backoffDelay(i, 200, 1000, one))).toEqual([200, 400, 800, 1000, 1000, 1000]);
  });
  test('GIVEN random 0 or 0.5 WHEN the backoff is computed THEN the wait is 0 or half the ceiling', () => {
    expect(backoffDelay(3, 200, 10_000, () => 0)).toBe(0);
    expect(backoffDelay(3, 200, 10_000, () => 0.5)).toBe(800);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  test.each([
    ['3', 3000],
    ['0', 0],
    [' 2 ', 2000],
    ['1.5', 1500],
    ['Sun, 01 Jun 2025 12:00:10 GMT', 10_000],
    ['Sun, 01 Jun 2025 11:59:00 GMT', 0],
    [undefined, undefined],
    ['', undefined],
    ['soon', undefined],
    ['-1', undefined],
  ])('GIVEN the Retry-After %j WHEN parsed THEN the wait is %j ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});

describe('bearer refresh margin', () => {
  test.each([
    [3_600_000, 30_000],
    [60_000, 6_000],
    [300_000, 30_000],
    [1_000, 100],
  ])('GIVEN a %j ms bearer WHEN its refresh margin is computed THEN it is refreshed %j ms early', (lifetime, margin) => {
    expect(bearerRefreshMargin(lifetime)).toBe(margin);
  });
});
