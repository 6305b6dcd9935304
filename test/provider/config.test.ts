/**
 * The provider block's rules from issue 10: plain http only to loopback (item 3), a request timeout
 * Node can run (item 4), and a token with white space around it sent trimmed (item 7).
 */
import { encodeDynamic } from '../../lib/provider/codec';
import { providerSchema, resolveProviderSettings, validateProviderConfig } from '../../lib/provider/config';
import { setLogSink } from '../../lib/provider/log';
import { createProvider } from '../../lib/provider/registry';
import { objectTypeOf } from '../../lib/provider/schema';

const block = (values: Record<string, string | number | null>) => ({
  endpoint: null,
  token: null,
  request_timeout: null,
  max_retries: null,
  ...values,
});
const TOKEN = 'provider-token-0123456789abcdef0123456789';

describe('provider block', () => {
  test('GIVEN endpoint = "http://mlp.example.invalid" WHEN validated THEN an error says the token would travel in clear text and to use https', () => {
    const [d, ...rest] = validateProviderConfig(block({ endpoint: 'http://mlp.example.invalid' }));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'error', summary: 'Invalid MLP endpoint', attribute: ['endpoint'] });
    expect(d!.detail).toMatch(/uses plain http to "mlp.example.invalid", which would send the token in clear text: use https:\/\//);
  });

  test('GIVEN endpoint = "http://127.0.0.1:8080" WHEN validated THEN it is accepted (a local emulator)', () => {
    expect(validateProviderConfig(block({ endpoint: 'http://127.0.0.1:8080' }))).toEqual([]);
  });

  test.each(['597h', '2147484s'])(
    'GIVEN request_timeout = %j WHEN validated THEN it is refused: Node would fire the timer at once',
    (timeout) => {
      const [d] = validateProviderConfig(block({ request_timeout: timeout }));
      expect(d).toMatchObject({ severity: 'error', summary: 'Invalid request_timeout' });
      expect(d!.detail).toContain('at most 596h31m23s');
    },
  );

  test('GIVEN request_timeout = "596h31m23s" WHEN resolved THEN the client gets 2147483000 ms, within a Node timer', () => {
    expect(validateProviderConfig(block({ request_timeout: '596h31m23s' }))).toEqual([]);
    expect(resolveProviderSettings(block({ request_timeout: '596h31m23s' }), {}).requestTimeoutMs).toBe(2_147_483_000);
  });

  test.each([
    ['MLP_TOKEN with a trailing newline', block({}), { MLP_TOKEN: `${TOKEN}\n` }],
    ['MLP_TOKEN with a leading space', block({}), { MLP_TOKEN: ` ${TOKEN}` }],
    ['token with CRLF', block({ token: `${TOKEN}\r\n` }), {}],
  ])('GIVEN %s WHEN resolved THEN the token sent is the trimmed value (the one that was checked)', (_label, config, env) => {
    expect(validateProviderConfig(config)).toEqual([]);
    expect(resolveProviderSettings(config, env).token).toBe(TOKEN);
  });
});

describe('NODE_TLS_REJECT_UNAUTHORIZED=0 inherited by the provider', () => {
  test('GIVEN two provider configurations in one process WHEN configured THEN one warning diagnostic and one log line in all, naming the variable', () => {
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    try {
      const type = objectTypeOf(providerSchema);
      const config = encodeDynamic({ endpoint: 'http://127.0.0.1:1', token: TOKEN, request_timeout: null, max_retries: null }, type);
      const warnings = [1, 2].flatMap(() => {
        const provider = createProvider({ env: { NODE_TLS_REJECT_UNAUTHORIZED: '0' } });
        return (provider.configureProvider({ terraform_version: '1.11.4', config }).diagnostics ?? []).filter(
          (d) => d.summary === 'TLS certificate verification is off',
        );
      });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.detail).toContain('NODE_TLS_REJECT_UNAUTHORIZED=0');
      expect(lines.filter((l) => l.includes('NODE_TLS_REJECT_UNAUTHORIZED=0'))).toHaveLength(1);
      expect(JSON.parse(lines.find((l) => l.includes('NODE_TLS'))!)).toMatchObject({ '@level': 'warn' });
    } finally {
      setLogSink(undefined);
    }
  });
});
