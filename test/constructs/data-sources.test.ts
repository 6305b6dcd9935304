import { TerraformOutput, Testing } from 'cdktf';
import { TOKEN_DATA_ATTRS as T } from '../../lib/constants';
import { MlpProvider, MlpTokenDataSource, MlpTokensDataSource } from '../../lib/constructs';
import { Resource } from '@cdktf/provider-null/lib/resource';
import { parsed, stackWithProvider } from './helpers';

Testing.setupJest();

describe('MlpTokenDataSource (who am I)', () => {
  test('GIVEN a stack WHEN synthesized THEN data "mlp_token" is declared with no arguments', () => {
    const synth = Testing.synthScope((scope) => {
      new MlpTokenDataSource(scope, 'me');
    });

    expect(synth).toHaveDataSource(MlpTokenDataSource);
    expect(parsed(synth).data!.mlp_token.me).toEqual({});
  });

  test('GIVEN an aliased provider WHEN passed THEN the data source is bound to it', () => {
    const synth = Testing.synthScope((scope) => {
      const other = new MlpProvider(scope, 'other', { alias: 'other' });
      new MlpTokenDataSource(scope, 'me', { provider: other });
    });

    expect(synth).toHaveDataSourceWithProperties(MlpTokenDataSource, { provider: 'mlp.other' });
  });

  test('GIVEN the data source WHEN its attributes are read THEN each is a reference to its snake_case attribute', () => {
    const stack = stackWithProvider();
    const me = new MlpTokenDataSource(stack, 'me');
    new TerraformOutput(stack, 'me_out', {
      value: { id: me.id, name: me.name, role: me.role, issuer: me.issuerName, created: me.createdAt, expires: me.expiresAt },
    });

    expect(parsed(Testing.synth(stack)).output!.me_out.value).toEqual({
      id: `\${data.mlp_token.me.${T.id}}`,
      name: `\${data.mlp_token.me.${T.name}}`,
      role: `\${data.mlp_token.me.${T.role}}`,
      issuer: `\${data.mlp_token.me.${T.issuerName}}`,
      created: `\${data.mlp_token.me.${T.createdAt}}`,
      expires: `\${data.mlp_token.me.${T.expiresAt}}`,
    });
  });
});

describe('MlpTokensDataSource (list)', () => {
  test('GIVEN a stack WHEN synthesized THEN data "mlp_tokens" is declared with no arguments', () => {
    const synth = Testing.synthScope((scope) => {
      new MlpTokensDataSource(scope, 'all');
    });

    expect(synth).toHaveDataSourceWithProperties(MlpTokensDataSource, {});
    expect(parsed(synth).data!.mlp_tokens.all).toEqual({});
  });

  test('GIVEN the list WHEN an item, the names and the whole list are referenced THEN the expressions index, splat and iterate keyed by name', () => {
    const stack = stackWithProvider();
    const all = new MlpTokensDataSource(stack, 'all');
    const first = all.tokens.get(0);
    new TerraformOutput(stack, 'first', {
      value: {
        id: first.id,
        name: first.name,
        role: first.role,
        issuer: first.issuerName,
        created: first.createdAt,
        expires: first.expiresAt,
      },
    });
    new TerraformOutput(stack, 'names', { value: all.names });
    const each = all.tokens.allWithMapKey(T.name);
    new Resource(stack, 'per_token', { forEach: each, triggers: { issuer: each.getString(T.issuerName) } });

    const synth = Testing.synth(stack);
    const outputs = parsed(synth).output!;

    expect(outputs.first.value).toEqual({
      id: '${data.mlp_tokens.all.tokens[0].id}',
      name: '${data.mlp_tokens.all.tokens[0].name}',
      role: '${data.mlp_tokens.all.tokens[0].role}',
      issuer: '${data.mlp_tokens.all.tokens[0].issuer_name}',
      created: '${data.mlp_tokens.all.tokens[0].created_at}',
      expires: '${data.mlp_tokens.all.tokens[0].expires_at}',
    });
    expect(outputs.names.value).toBe('${data.mlp_tokens.all.tokens[*].name}');
    expect(synth).toHaveResourceWithProperties(Resource, {
      for_each: '${{ for key, val in data.mlp_tokens.all.tokens: val.name => val }}',
      triggers: { issuer: '${each.value.issuer_name}' },
    });
  });
});
