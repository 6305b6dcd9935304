import { MlpClient } from '../../lib/client/client';
import { MlpConfigurationError } from '../../lib/client/errors';
import { endpointProblem, showEndpoint } from '../../lib/contract/validation';

describe('endpoint rule (shared by client, provider and constructs)', () => {
  test.each([
    ['https://msk.cloud.vk.com/infra/mlplatform', undefined],
    ['http://127.0.0.1:8080', undefined],
    ['', 'the endpoint is empty'],
    ['msk.cloud.vk.com', 'is not a URL'],
    ['ftp://example.com', 'uses ftp'],
    ['https://me:pw@example.com', 'carries credentials'],
    ['https://example.com/?a=1', 'query or fragment'],
    ['https://example.com/#top', 'query or fragment'],
  ])('GIVEN the endpoint %j WHEN checked THEN the problem mentions %j', (endpoint, expected) => {
    const problem = endpointProblem(endpoint);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(expected);
  });

  test('GIVEN a token pasted as the endpoint WHEN shown THEN only its length appears, with the likely cause', () => {
    const pasted = 'c2VjcmV0LXRva2VuLXZhbHVlLXRoYXQtaXMtbG9uZw';
    expect(showEndpoint(pasted)).not.toContain(pasted);
    expect(showEndpoint(pasted)).toContain(`${pasted.length}-character`);
    expect(showEndpoint(pasted)).toContain('swapped');
  });

  test('GIVEN an endpoint with credentials WHEN shown THEN the credentials are masked', () => {
    expect(showEndpoint('https://me:hunter2@example.com')).toBe('"https://***@example.com"');
  });

  test('GIVEN a token as the endpoint WHEN an MlpClient is made THEN it throws MlpConfigurationError without echoing it', () => {
    const pasted = 'c2VjcmV0LXRva2VuLXZhbHVlLXRoYXQtaXMtbG9uZw';
    let caught: unknown;
    try {
      new MlpClient({ endpoint: pasted });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MlpConfigurationError);
    expect((caught as Error).message).toContain('not a URL');
    expect((caught as Error).message).not.toContain(pasted);
  });
});
