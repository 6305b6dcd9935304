/**
 * The constructs apply the shared input rules at synth time (issue 10, items 3, 4 and 9): plain http
 * only to loopback, lifetimes at most 876000h, a request timeout Node can run, and long names cut in
 * the message. The rules themselves are tested in `test/client`; these pin that the constructs call them.
 */
import { Testing } from 'cdktf';
import { MlpAccessToken, MlpProvider, MlpRegisterToken } from '../../lib/constructs';
import { expectConstructError, stackWithProvider } from './helpers';

describe('the shared rules at synth time', () => {
  test('GIVEN an http endpoint off loopback WHEN an MlpProvider is made THEN it throws INVALID_ENDPOINT saying to use https', () => {
    const stack = stackWithProvider();
    expectConstructError(
      () => new MlpProvider(stack, 'p2', { endpoint: 'http://mlp.example.invalid', installMirror: false }),
      'INVALID_ENDPOINT',
      'clear text: use https://',
    );
  });

  test.each(['http://127.0.0.1:8080', 'http://localhost:9', 'http://[::1]:9', 'https://msk.cloud.vk.com/infra/mlplatform'])(
    'GIVEN the endpoint %s WHEN an MlpProvider is made THEN it is accepted',
    (endpoint) => {
      const stack = stackWithProvider(Testing.app());
      expect(() => new MlpProvider(stack, 'p2', { endpoint, alias: 'other', installMirror: false })).not.toThrow();
    },
  );

  test('GIVEN requestTimeout "597h" WHEN an MlpProvider is made THEN it throws INVALID_DURATION naming the 596h31m23s limit', () => {
    const stack = stackWithProvider();
    expectConstructError(
      () => new MlpProvider(stack, 'p2', { requestTimeout: '597h', installMirror: false }),
      'INVALID_DURATION',
      'at most 596h31m23s',
    );
  });

  test.each([
    ['ttl', { ttl: '999999999999h' }],
    ['rotateAfter', { rotateAfter: '876001h' }],
  ])('GIVEN an MlpAccessToken %s past 100 years WHEN made THEN it throws INVALID_DURATION naming 876000h', (_prop, props) => {
    const stack = stackWithProvider();
    expectConstructError(() => new MlpAccessToken(stack, 't', { name: 'ci', ...props }), 'INVALID_DURATION', 'at most 876000h');
  });

  test('GIVEN an MlpRegisterToken accessTokenTtl past 100 years WHEN made THEN it throws INVALID_DURATION', () => {
    const stack = stackWithProvider();
    expectConstructError(
      () => new MlpRegisterToken(stack, 'r', { name: 'worker', ttl: '1h', accessTokenTtl: '100000000h' }),
      'INVALID_DURATION',
      'at most 876000h',
    );
  });

  test('GIVEN a 10,000-character name WHEN refused THEN the message shows the first 64 characters and the length', () => {
    const stack = stackWithProvider();
    const err = expectConstructError(() => new MlpAccessToken(stack, 't', { name: 'n'.repeat(10_000) }), 'INVALID_NAME', '…(10000 chars)');
    expect(err.message.length).toBeLessThan(400);
  });
});
