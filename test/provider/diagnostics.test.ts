import { MlpConfigurationError, MlpForbiddenError, MlpServerError } from '../../lib/client/errors';
import { registerSecret } from '../../lib/contract/redact';
import { DiagnosticError, diag, fromClientError, toProtoDiagnostic } from '../../lib/provider/diagnostics';
import { setLogSink } from '../../lib/provider/log';
import type * as proto from '../../lib/provider/protocol';
import { runRpc } from '../../lib/provider/rpc';

const SECRET = 'tok-0123456789abcdefghijklmnopqrstuvwxyz-SECRET';
const context = { operation: 'list tokens', route: 'list' as const, method: 'GET' as const, path: '/v1_0/auth/tokens' };

describe('diagnostics', () => {
  beforeAll(() => registerSecret(SECRET));

  test('GIVEN a registered secret in a summary or detail WHEN the diagnostic is converted THEN the secret never leaves', () => {
    const d = toProtoDiagnostic({ severity: 'error', summary: `bad ${SECRET}`, detail: `the value ${SECRET} leaked` });
    expect(JSON.stringify(d)).not.toContain(SECRET);
    expect(d.detail).toContain('[secret]');
  });

  test('GIVEN an attribute path WHEN the diagnostic is converted THEN the path becomes protocol steps', () => {
    expect(toProtoDiagnostic(diag.invalidAttribute(['ttl'], 'bad')).attribute).toEqual({ steps: [{ attribute_name: 'ttl' }] });
  });

  test('GIVEN a missing Manage scope WHEN the client error is mapped THEN it becomes "needs an Administrator token"', () => {
    const err = new MlpForbiddenError('x', { context, status: 403, reason: 'missing-scope', missingScopes: ['ml-platform:Manage'] });
    const d = fromClientError('list the tokens', err);
    expect(d.summary).toBe('List the tokens needs an Administrator token');
    expect(d.detail).toMatch(/MLP_TOKEN/);
  });

  test('GIVEN a client without a token WHEN its error is mapped THEN it becomes "no MLP token configured" by the error\'s reason, whatever its words', () => {
    const missing = fromClientError('list the tokens', new MlpConfigurationError('no credentials here', 'missing-token', context));
    expect(missing).toEqual(diag.missingAdminToken('list the tokens'));
    const otherOption = fromClientError(
      'list the tokens',
      new MlpConfigurationError('requestTimeoutMs needs an access token-sized number', 'invalid-option'),
    );
    expect(otherOption.summary).toBe('MLP client misconfigured');
  });

  test("GIVEN another client error WHEN it is mapped THEN it keeps the client's description and names the operation", () => {
    const d = fromClientError('delete the access token "ci"', new MlpServerError(`503 with ${SECRET}`, { context, status: 503 }));
    expect(d.summary).toBe('MLP API server error');
    expect(d.detail).toMatch(/^Could not delete the access token "ci"\./);
    expect(d.detail).not.toContain(SECRET);
  });

  test('GIVEN an error that is not a client error WHEN it is mapped THEN it is an internal error, redacted', () => {
    const d = fromClientError('x', new TypeError(`oops ${SECRET}`));
    expect(d.summary).toBe('Internal provider error');
    expect(d.detail).not.toContain(SECRET);
  });
});

describe('the RPC wrapper', () => {
  let logged: string[];
  beforeEach(() => {
    logged = [];
    setLogSink((line) => logged.push(line));
  });
  afterEach(() => setLogSink(undefined));

  test('GIVEN a handler that throws WHEN called THEN it answers with an error diagnostic, redacted, and logs no secret', async () => {
    const response = await runRpc('ReadResource', {}, () => {
      throw new Error(`boom ${SECRET}`);
    });
    expect(response.diagnostics).toHaveLength(1);
    expect(response.diagnostics![0]).toMatchObject({ severity: 1, summary: 'Internal provider error' });
    const written = logged.join('');
    expect(written).toContain('ReadResource failed');
    expect(written).not.toContain(SECRET);
    expect(JSON.stringify(response)).not.toContain(SECRET);
  });

  test('GIVEN a DiagnosticError WHEN called THEN its diagnostics are answered on top of the fallback', async () => {
    const response = await runRpc<object, { diagnostics?: proto.Diagnostic[]; new_state?: { msgpack: Buffer } }>(
      'ApplyResourceChange',
      {},
      () => {
        throw new DiagnosticError(diag.missingAdminToken('delete the access token "ci"'));
      },
      () => ({ new_state: { msgpack: Buffer.from([0xc0]) } }),
    );
    expect(response.new_state).toEqual({ msgpack: Buffer.from([0xc0]) });
    expect(response.diagnostics).toEqual([
      expect.objectContaining({ severity: 1, summary: 'No MLP token configured to delete the access token "ci"' }),
    ]);
  });
});
