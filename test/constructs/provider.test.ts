import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { PROVIDER_ATTRS as P, PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION } from '../../lib/constants';
import { MlpAccessToken, MlpProvider } from '../../lib/constructs';
import { constructError, expectConstructError, parsed, secretVariable } from './helpers';

Testing.setupJest();

describe('MlpProvider', () => {
  test('GIVEN no props WHEN synthesized THEN it declares our source and version and writes an empty configuration', () => {
    const synth = Testing.synthScope((scope) => {
      new MlpProvider(scope, 'mlp');
    });

    expect(synth).toHaveProvider(MlpProvider);
    expect(parsed(synth).terraform?.required_providers).toEqual({
      [PROVIDER_TYPE]: { source: PROVIDER_SOURCE, version: PROVIDER_VERSION },
    });
    expect(parsed(synth).provider?.[PROVIDER_TYPE]).toEqual([{}]);
  });

  test('GIVEN every field WHEN synthesized THEN each is written under its snake_case name', () => {
    const synth = Testing.synthScope((scope) => {
      const token = secretVariable(scope as TerraformStack, 'mlp_token');
      new MlpProvider(scope, 'mlp', {
        endpoint: 'http://127.0.0.1:8080',
        token,
        requestTimeout: '30s',
        maxRetries: 0,
      });
    });

    expect(synth).toHaveProviderWithProperties(MlpProvider, {
      [P.endpoint]: 'http://127.0.0.1:8080',
      [P.token]: '${var.mlp_token}',
      [P.requestTimeout]: '30s',
      [P.maxRetries]: 0,
    });
  });

  test('GIVEN an alias WHEN a token names that provider THEN the token is bound to mlp.<alias>', () => {
    const synth = Testing.synthScope((scope) => {
      new MlpProvider(scope, 'mlp');
      const other = new MlpProvider(scope, 'other', { alias: 'other_project', endpoint: 'https://kz.cloud.vk.kz/infra/mlplatform' });
      new MlpAccessToken(scope, 'ci', { name: 'ci', provider: other });
    });

    expect(parsed(synth).provider?.[PROVIDER_TYPE]).toEqual([
      {},
      { alias: 'other_project', [P.endpoint]: 'https://kz.cloud.vk.kz/infra/mlplatform' },
    ]);
    expect(synth).toHaveResourceWithProperties(MlpAccessToken, { provider: 'mlp.other_project' });
  });

  test('GIVEN references for every field WHEN synthesized THEN they pass unchecked to Terraform', () => {
    const synth = Testing.synthScope((scope) => {
      const endpoint = new TerraformVariable(scope, 'endpoint', { type: 'string' });
      const timeout = new TerraformVariable(scope, 'timeout', { type: 'string' });
      const retries = new TerraformVariable(scope, 'retries', { type: 'number' });
      new MlpProvider(scope, 'mlp', {
        endpoint: endpoint.stringValue,
        token: secretVariable(scope as TerraformStack, 'mlp_token'),
        requestTimeout: timeout.stringValue,
        maxRetries: retries.numberValue,
      });
    });

    expect(synth).toHaveProviderWithProperties(MlpProvider, {
      [P.endpoint]: '${var.endpoint}',
      [P.requestTimeout]: '${var.timeout}',
      [P.maxRetries]: '${var.retries}',
    });
  });

  test('GIVEN the HCL output mode WHEN synthesized THEN the provider block carries the same attributes', () => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    new MlpProvider(stack, 'mlp', { endpoint: 'http://localhost:9000', maxRetries: 3 });

    const hcl: string = Testing.synthHcl(stack);

    expect(hcl).toContain('provider "mlp" {');
    expect(hcl).toContain('endpoint = "http://localhost:9000"');
    expect(hcl).toContain('max_retries = 3');
    expect(hcl).toContain(`source = "${PROVIDER_SOURCE}"`);
  });

  describe('refuses', () => {
    const build = (props: ConstructorParameters<typeof MlpProvider>[2]) => () =>
      new MlpProvider(new TerraformStack(Testing.app(), 'stack'), 'mlp', props);

    test('GIVEN the token as a literal string WHEN an MlpProvider is made THEN it throws LITERAL_SECRET without showing it', () => {
      const secret = 'mlp-secret-0123456789abcdef0123456789abcdef';
      const error = expectConstructError(
        build({ token: secret }),
        'LITERAL_SECRET',
        'TerraformVariable',
        'MLP_TOKEN',
        `${secret.length} characters`,
      );
      expect(error.message).not.toContain(secret);
      expect(error.property).toBe('token');
      expect(error.constructPath).toBe('stack/mlp');
    });

    test('GIVEN the token as an empty literal string WHEN an MlpProvider is made THEN it throws LITERAL_SECRET', () => {
      expectConstructError(build({ token: '' }), 'LITERAL_SECRET');
    });

    test('GIVEN an endpoint that is not a URL WHEN an MlpProvider is made THEN it throws INVALID_ENDPOINT with an example', () => {
      expectConstructError(
        build({ endpoint: 'msk.cloud.vk.com' }),
        'INVALID_ENDPOINT',
        '"msk.cloud.vk.com" is not a URL',
        'https://msk.cloud.vk.com/infra/mlplatform',
      );
    });

    test('GIVEN an endpoint that is not http or https WHEN an MlpProvider is made THEN it throws INVALID_ENDPOINT', () => {
      expectConstructError(build({ endpoint: 'ftp://example.com' }), 'INVALID_ENDPOINT', 'uses ftp');
    });

    test('GIVEN an endpoint that carries credentials WHEN an MlpProvider is made THEN it throws INVALID_ENDPOINT without showing them', () => {
      const error = expectConstructError(build({ endpoint: 'https://me:hunter2@example.com/' }), 'INVALID_ENDPOINT', 'credentials');
      expect(error.message).not.toContain('hunter2');
    });

    test('GIVEN a requestTimeout that is not a Go duration WHEN an MlpProvider is made THEN it throws INVALID_DURATION', () => {
      expectConstructError(build({ requestTimeout: '30 seconds' }), 'INVALID_DURATION', 'requestTimeout', '"30 seconds"', '"90m"');
    });

    test('GIVEN a negative maxRetries WHEN an MlpProvider is made THEN it throws INVALID_MAX_RETRIES', () => {
      expectConstructError(build({ maxRetries: -1 }), 'INVALID_MAX_RETRIES', 'maxRetries is -1');
    });

    test('GIVEN maxRetries above the provider limit of 20 WHEN an MlpProvider is made THEN it throws INVALID_MAX_RETRIES', () => {
      expectConstructError(build({ maxRetries: 21 }), 'INVALID_MAX_RETRIES', '21', 'to 20');
    });

    test('GIVEN an endpoint with a query or fragment WHEN an MlpProvider is made THEN it throws INVALID_ENDPOINT, as the provider would', () => {
      expectConstructError(build({ endpoint: 'https://msk.cloud.vk.com/infra/mlplatform?x=1' }), 'INVALID_ENDPOINT', 'query or fragment');
    });

    test('GIVEN an endpoint that looks like a token (swapped variables) WHEN an MlpProvider is made THEN it throws without showing it', () => {
      const pasted = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5';
      const error = expectConstructError(build({ endpoint: pasted }), 'INVALID_ENDPOINT', 'looks like a token');
      expect(error.message).not.toContain(pasted);
    });

    test('GIVEN a maxRetries that is not a whole number WHEN an MlpProvider is made THEN it throws INVALID_MAX_RETRIES', () => {
      expectConstructError(build({ maxRetries: 1.5 }), 'INVALID_MAX_RETRIES', '1.5');
    });

    test('GIVEN an alias that is not a Terraform name WHEN an MlpProvider is made THEN it throws INVALID_IDENTIFIER', () => {
      expectConstructError(build({ alias: 'other project' }), 'INVALID_IDENTIFIER', 'alias "other project"');
    });

    test('GIVEN an MlpProvider WHEN an alias that is not a Terraform name is set THEN it throws INVALID_IDENTIFIER', () => {
      const provider = new MlpProvider(new TerraformStack(Testing.app(), 'stack'), 'mlp');
      expect(constructError(() => (provider.alias = '1st')).code).toBe('INVALID_IDENTIFIER');
    });
  });
});
