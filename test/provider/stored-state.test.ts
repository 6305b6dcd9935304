/**
 * UpgradeResourceState from an older schema version keeps every value that still fits today's
 * schema, whatever its kind: a state upgrade must never silently drop what the provider needs later
 * (the retired tokens it still has to revoke, the opt-in to replace an unmanaged token).
 */
import { accessTokenSchema } from '../../lib/provider/resources/access-token';
import { normalizeStored } from '../../lib/provider/values';

describe('stored state read for an upgrade', () => {
  test('GIVEN a stored access token with retired tokens and replace_existing WHEN it is upgraded THEN both come back as stored', () => {
    const retired = [{ name: 'ci-old', id: 'id-old', revoke_after: '2026-12-01T10:00:00Z' }];
    const out = normalizeStored(accessTokenSchema, { name: 'ci', retired_tokens: retired, replace_existing: true, generation: 3 });
    expect(out.retired_tokens).toEqual(retired);
    expect(out.replace_existing).toBe(true);
    expect(out.generation).toBe(3);
  });

  test('GIVEN a retired token with a field of the wrong kind WHEN it is upgraded THEN that field is null and the rest stays', () => {
    const out = normalizeStored(accessTokenSchema, {
      retired_tokens: [{ name: 'ci-old', id: 7, revoke_after: '2026-12-01T10:00:00Z' }, 'not-an-object'],
    });
    expect(out.retired_tokens).toEqual([{ name: 'ci-old', id: null, revoke_after: '2026-12-01T10:00:00Z' }]);
  });
});
