import { accessTokenSchema } from '../../lib/provider/resources/access-token';
import { registerTokenSchema } from '../../lib/provider/resources/register-token';
import { tokenShapeProblem, validateProviderConfig } from '../../lib/provider/config';
import { normalizeStored } from '../../lib/provider/values';

describe('normalizeStored (UpgradeResourceState for every resource)', () => {
  test('GIVEN stored JSON with unknown keys, wrong kinds and missing attributes WHEN normalized THEN every schema attribute comes back, right kinds only', () => {
    const out = normalizeStored(registerTokenSchema, {
      name: 'ci',
      ttl: 3600,
      rotation_triggers: { a: '1', b: 2 },
      removed_in_v2: 'x',
    });
    expect(Object.keys(out).sort()).toEqual(Object.keys(registerTokenSchema.attributes).sort());
    expect(out).toMatchObject({ name: 'ci', ttl: null, rotation_triggers: { a: '1' }, value: null });
    expect(out).not.toHaveProperty('removed_in_v2');
  });

  test('GIVEN a map attribute stored as a list WHEN normalized THEN it becomes null', () => {
    expect(normalizeStored(accessTokenSchema, { rotation_triggers: ['1'] }).rotation_triggers).toBeNull();
  });
});

describe('provider token shape (checked before any API call, never echoed)', () => {
  test.each([
    ['abcdefghijklmnopqrstuvwxyz0123456789', undefined],
    ['short', 'at least 32'],
    ['two words abcdefghijklmnopqrstuvwxyz012345', 'white space'],
  ])('GIVEN the token %j WHEN its shape is checked THEN the problem mentions %j', (token, expected) => {
    const problem = tokenShapeProblem(token);
    if (expected === undefined) expect(problem).toBeUndefined();
    else {
      expect(problem).toContain(expected);
      expect(problem).not.toContain(token);
    }
  });

  test('GIVEN a provider block token that cannot be one WHEN validated THEN it reports an error at token', () => {
    const diagnostics = validateProviderConfig({ endpoint: null, token: 'too-short', request_timeout: null, max_retries: null });
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'error', attribute: ['token'] })]);
  });
});
