/**
 * The schema engine (lib/provider/schema/): each plan modifier, equality, attribute validator and
 * block validator kind on a small block of its own, then the real schemas where a rule matters most
 * (a declared requiresReplace, a respelled duration, an imported token's triggers).
 */
import { UNKNOWN, type ObjectValue, type Value } from '../../lib/provider/codec';
import { accessTokenSchema } from '../../lib/provider/resources/access-token/schema';
import { registerTokenSchema } from '../../lib/provider/resources/register-token/schema';
import { validationOf as validate } from './fakes';
import {
  type BlockSchema,
  alsoRequires,
  atLeastOneOf,
  attributeRules,
  conflicting,
  defaultValue,
  exactlyOneOf,
  duration,
  durationAtMost,
  durationEquality,
  keepersEquality,
  noEffectWithout,
  notBlank,
  oneOf,
  planNew,
  planUpdate,
  relation,
  requiresReplace,
  requiresReplaceIf,
  satisfies,
  shorterThan,
  toProtoSchema,
  useStateForUnknown,
  wholeNumberBetween,
} from '../../lib/provider/schema';
import { errorDiagnostic } from '../../lib/provider/diagnostics/model';

const block = {
  version: 1,
  description: 'A test block.',
  attributes: {
    id: { type: 'string', computed: true, description: 'Decided by the API.' },
    kept: { type: 'string', computed: true, description: 'Decided elsewhere.', planModifiers: [useStateForUnknown()] },
    label: { type: 'string', optional: true, description: 'A label.', planModifiers: [requiresReplace()] },
    ttl: { type: 'string', optional: true, description: 'A lifetime.', equality: durationEquality, planModifiers: [requiresReplace()] },
    window: { type: 'string', optional: true, description: 'A window.', validators: [duration()] },
    kind: {
      type: 'string',
      optional: true,
      computed: true,
      description: 'A kind.',
      validators: [oneOf(['a', 'b'], 'kind')],
      planModifiers: [defaultValue('a', 'Default `a`.', (config) => config.secret !== null), requiresReplace()],
    },
    tags: {
      type: ['map', 'string'],
      optional: true,
      description: 'Tags.',
      equality: keepersEquality,
      planModifiers: [
        requiresReplaceIf((req) => req.priorObject?.id !== 'adopting', 'Changing it replaces the resource, unless adopting.'),
      ],
    },
    secret: { type: 'string', optional: true, description: 'A secret.', validators: [notBlank('Set it, or remove it')] },
    count: { type: 'number', optional: true, description: 'A count.', validators: [wholeNumberBetween(0, 3)] },
  },
  validators: [
    conflicting('label', ['secret', 'tags'], 'a label is enough'),
    atLeastOneOf(['label', 'secret'], 'something must name it', ['tags']),
    alsoRequires('secret', 'count', 'count is not set, though secret is', 'Set count'),
    noEffectWithout('window', ['ttl'], 'A window needs a ttl.'),
    shorterThan('window', 'ttl', 'so it is always due', 'Shorten it'),
  ],
} as const satisfies BlockSchema;

const NAMES = Object.keys(block.attributes);
const obj = (values: Record<string, Value>, names: readonly string[] = NAMES): ObjectValue => ({
  ...Object.fromEntries(names.map((k) => [k, null])),
  ...values,
});
const summaries = (config: Record<string, Value>) => validate(block, obj(config)).map((d) => d.summary);
/** An update: Terraform proposes the configuration, with the prior value of each computed attribute it leaves unset. */
function update(schema: BlockSchema, prior: ObjectValue, config: ObjectValue) {
  const proposed: Record<string, Value> = { ...config };
  for (const [name, attr] of Object.entries(schema.attributes)) if (attr.computed && config[name] === null) proposed[name] = prior[name]!;
  return planUpdate(schema, { prior, proposed, config });
}

describe('plan modifiers', () => {
  const prior = obj({ id: 'x', kept: 'k', label: 'one', ttl: '60m', kind: 'a' });

  test('GIVEN an attribute declaring requiresReplace WHEN its value changes THEN it is in requiresReplace, and not when it stays', () => {
    expect(update(block, prior, obj({ label: 'two', ttl: '60m' })).requiresReplace).toEqual(['label']);
    expect(update(block, prior, obj({ label: 'one', ttl: '60m' })).requiresReplace).toEqual([]);
    expect(update(block, prior, obj({ label: UNKNOWN, ttl: '60m' })).requiresReplace).toEqual(['label']);
  });

  test('GIVEN a duration attribute WHEN it is respelled with the same length THEN nothing is replaced, and a new length replaces', () => {
    expect(update(block, prior, obj({ label: 'one', ttl: '1h' }))).toMatchObject({ requiresReplace: [], planned: { ttl: '1h' } });
    expect(update(block, prior, obj({ label: 'one', ttl: '3600s' })).requiresReplace).toEqual([]);
    expect(update(block, prior, obj({ label: 'one', ttl: '2h' })).requiresReplace).toEqual(['ttl']);
    expect(update(block, prior, obj({ label: 'one', ttl: UNKNOWN })).requiresReplace).toEqual(['ttl']);
    expect(update(block, prior, obj({ label: 'one' })).requiresReplace).toEqual(['ttl']);
  });

  test('GIVEN requiresReplaceIf WHEN the value changes THEN its condition decides; an empty map equals none', () => {
    expect(update(block, prior, obj({ label: 'one', ttl: '1h', tags: { v: '1' } })).requiresReplace).toEqual(['tags']);
    expect(update(block, { ...prior, id: 'adopting' }, obj({ label: 'one', ttl: '1h', tags: { v: '1' } })).requiresReplace).toEqual([]);
    expect(update(block, prior, obj({ label: 'one', ttl: '1h', tags: {} })).requiresReplace).toEqual([]);
    expect(update(block, prior, obj({ label: 'one', ttl: '1h', tags: { v: UNKNOWN } })).requiresReplace).toEqual(['tags']);
  });

  test('GIVEN a default WHEN the configuration leaves it unset THEN the default is planned and compared, unless decided elsewhere', () => {
    const admin = { ...prior, kind: 'b' };
    expect(update(block, admin, obj({ label: 'one', ttl: '1h' }))).toMatchObject({ requiresReplace: ['kind'], planned: { kind: 'a' } });
    // Decided elsewhere: an update keeps the prior value, a new object's plan leaves it unknown.
    expect(update(block, admin, obj({ label: 'one', ttl: '1h', secret: 's' }))).toMatchObject({
      requiresReplace: [],
      planned: { kind: 'b' },
    });
    expect(planNew(block, obj({ secret: 's' }), obj({ secret: 's' })).kind).toBe(UNKNOWN);
    expect(planNew(block, obj({}), obj({})).kind).toBe('a');
  });

  test('GIVEN a new object WHEN planned THEN computed attributes left unset are unknown, except one that uses the proposed value', () => {
    const proposed = obj({ id: 'old', kept: 'k', label: 'one' });
    expect(planNew(block, proposed, obj({ label: 'one' }))).toMatchObject({ id: UNKNOWN, kept: 'k', label: 'one', kind: 'a' });
    expect(planNew(block, obj({ label: 'one' }), obj({ label: 'one' })).kept).toBeNull();
  });
});

describe('attribute validators', () => {
  test('GIVEN values each validator refuses WHEN validated THEN each says so against its attribute', () => {
    const found = validate(block, obj({ label: 'l', ttl: '2h', window: 'soon', kind: 'c', count: 2.5 }));
    expect(found.map((d) => [d.summary, d.detail, d.attribute])).toEqual([
      ['Invalid window', expect.stringContaining('"soon" is not a duration'), ['window']],
      ['Invalid kind', '"c" is not a kind. Use "a" or "b"', ['kind']],
      ['Invalid count', 'count is 2.5; it must be a whole number from 0 to 3', ['count']],
    ]);
    expect(validate(block, obj({ secret: ' ', count: 1 })).map((d) => d.detail)).toEqual(['secret is empty. Set it, or remove it']);
  });

  test('GIVEN a null or unknown value WHEN validated THEN no attribute validator runs', () => {
    expect(summaries({ label: 'l', ttl: '2h', window: UNKNOWN, kind: UNKNOWN, count: UNKNOWN })).toEqual([]);
  });

  test('GIVEN several validators on one attribute WHEN the first reports an error THEN the next ones do not run', () => {
    const chained = {
      version: 1,
      description: 'x',
      attributes: {
        ttl: {
          type: 'string',
          optional: true,
          description: 'x',
          validators: [duration(), durationAtMost('1h', (v, max) => errorDiagnostic('Too long', `${v} > ${max}`, ['ttl']))],
        },
      },
    } as const satisfies BlockSchema;
    expect(validate(chained, { ttl: 'bad' }).map((d) => d.summary)).toEqual(['Invalid ttl']);
    expect(validate(chained, { ttl: '2h' }).map((d) => [d.summary, d.detail])).toEqual([['Too long', '2h > 1h']]);
    expect(validate(chained, { ttl: '1h' })).toEqual([]);
  });

  test('GIVEN satisfies with a report WHEN its rule finds a problem THEN the report makes the diagnostic', () => {
    const v = satisfies((s) => (s === 'no' ? 'it says no' : undefined), '', {
      report: (p) => errorDiagnostic('Refused', p),
    });
    expect(v.validate({ attribute: 'a', value: 'no', config: {} })).toEqual([
      { severity: 'error', summary: 'Refused', detail: 'it says no', attribute: undefined },
    ]);
  });
});

describe('block validators', () => {
  test('GIVEN an attribute set with several it conflicts with WHEN validated THEN one conflict names the first of them', () => {
    expect(validate(block, obj({ label: 'l', secret: 's', tags: { a: '1' }, count: 1 }))).toEqual([
      {
        severity: 'error',
        summary: 'Conflicting label and secret',
        detail: 'Set either label or secret, not both: a label is enough.',
        attribute: ['label'],
      },
    ]);
  });

  test('GIVEN none of an at-least-one-of set WHEN validated THEN it names the listed ones; an also-counting one satisfies it', () => {
    expect(summaries({})).toEqual(['Missing label or secret']);
    expect(summaries({ tags: { a: '1' } })).toEqual([]);
    expect(summaries({ secret: UNKNOWN, count: 1 })).toEqual([]);
  });

  test('GIVEN exactly-one-of WHEN none, one or two are set THEN none is missing, two conflict (the first two set), one passes; the docs say it once', () => {
    const optional = (description: string) => ({ type: 'string', optional: true, description }) as const;
    const pick = {
      version: 1,
      description: 'Named one way.',
      attributes: { a: optional('A.'), b: optional('B.'), c: optional('C.') },
      validators: [exactlyOneOf(['a', 'b', 'c'], { conflict: 'one way is enough', missing: 'something must name it' })],
    } as const satisfies BlockSchema;
    const run = (values: Record<string, Value>) => validate(pick, obj(values, ['a', 'b', 'c']));
    expect(run({})).toEqual([expect.objectContaining({ severity: 'error', detail: expect.stringContaining('something must name it') })]);
    expect(run({ b: 'x' })).toEqual([]);
    expect(run({ c: UNKNOWN })).toEqual([]);
    expect(run({ b: 'x', c: 'y' })).toEqual([
      {
        severity: 'error',
        summary: 'Conflicting b and c',
        detail: 'Set either b or c, not both: one way is enough.',
        attribute: ['b'],
      },
    ]);
    expect(attributeRules(pick, 'c')).toEqual(['Exactly one of `a`, `b`, `c` is set.']);
  });

  test('GIVEN also-requires and no-effect-without WHEN their partner is missing THEN an error and a warning say so', () => {
    expect(validate(block, obj({ secret: 's' })).map((d) => [d.severity, d.summary, d.attribute])).toEqual([
      ['error', 'Invalid count', ['count']],
    ]);
    expect(validate(block, obj({ label: 'l', window: '1h' })).map((d) => [d.severity, d.summary])).toEqual([
      ['warning', 'window has no effect'],
    ]);
  });

  test('GIVEN shorter-than WHEN the values are valid THEN it compares them, and it waits when one failed its own check', () => {
    expect(validate(block, obj({ label: 'l', ttl: '1h', window: '60m' })).map((d) => d.detail)).toEqual([
      'window (60m) is not shorter than ttl (1h), so it is always due. Shorten it',
    ]);
    expect(summaries({ label: 'l', ttl: '2h', window: '1h' })).toEqual([]);
    expect(summaries({ label: 'l', ttl: 'never', window: '1h' })).toEqual([]);
    expect(summaries({ label: 'l', ttl: '1h', window: UNKNOWN })).toEqual([]);
  });

  test('GIVEN problems of each kind WHEN validated THEN presence checks come first, then attributes, then relations', () => {
    const ordered = { ...block, validators: [...block.validators, relation(['label'], 'x', () => [errorDiagnostic('Relation', 'r')])] };
    expect(validate(ordered, obj({ label: 'l', secret: 's', count: 9 })).map((d) => d.summary)).toEqual([
      'Conflicting label and secret',
      'Invalid count',
      'Relation',
    ]);
  });
});

describe('rules in words', () => {
  test('GIVEN declared rules WHEN described THEN each attribute lists them once, its conflicts in one sentence', () => {
    expect(attributeRules(block, 'label')).toEqual([
      'Changing it replaces the resource.',
      'Conflicts with `secret`, `tags`.',
      'At least one of `label`, `secret`, `tags` is set.',
    ]);
    expect(attributeRules(block, 'ttl')).toEqual([
      'Compared as a duration: `60m` and `1h` are the same, so respelling it changes nothing.',
      'Changing it replaces the resource.',
    ]);
    expect(attributeRules(block, 'kind')).toEqual(['One of `a`, `b`.', 'Default `a`.', 'Changing it replaces the resource.']);
    expect(attributeRules(block, 'window')).toEqual([
      'A Go-style duration (`720h`, `90m`, `2h45m30s`).',
      'Has an effect only with `ttl`.',
      'Shorter than `ttl`.',
    ]);
  });

  test('GIVEN the schema served to Terraform WHEN an attribute has rules THEN its description ends with them, before the CDKTF hint', () => {
    const served = toProtoSchema(accessTokenSchema).block.attributes.find((a) => a.name === 'name_prefix');
    expect(served?.description).toMatch(/Changing it replaces the resource\. Conflicts with `name`, .*\(CDKTF: `namePrefix`\)$/);
  });
});

describe('the real schemas', () => {
  const A = Object.keys(accessTokenSchema.attributes);
  const prior = obj({ id: 'i', name: 'ci', role: 'user', ttl: '60m', value: 'v', generation: 1 }, A);

  test('GIVEN mlp_access_token WHEN ttl is respelled 60m -> 1h THEN nothing is replaced; a new name replaces', () => {
    expect(update(accessTokenSchema, prior, obj({ name: 'ci', ttl: '1h' }, A)).requiresReplace).toEqual([]);
    expect(update(accessTokenSchema, prior, obj({ name: 'cd', ttl: '1h' }, A)).requiresReplace).toEqual(['name']);
  });

  test('GIVEN an imported mlp_access_token (no value, no triggers) WHEN triggers are configured THEN they are adopted in place', () => {
    const imported = { ...prior, value: null };
    expect(update(accessTokenSchema, imported, obj({ name: 'ci', ttl: '1h', rotation_triggers: { v: '1' } }, A)).requiresReplace).toEqual(
      [],
    );
    expect(update(accessTokenSchema, prior, obj({ name: 'ci', ttl: '1h', rotation_triggers: { v: '1' } }, A)).requiresReplace).toEqual([
      'rotation_triggers',
    ]);
  });

  test('GIVEN mlp_access_token with an unset role WHEN planned THEN it is user, unless a registration token decides it', () => {
    expect(planNew(accessTokenSchema, obj({ name: 'ci' }, A), obj({ name: 'ci' }, A)).role).toBe('user');
    expect(planNew(accessTokenSchema, obj({ register_token: 'r' }, A), obj({ register_token: 'r' }, A)).role).toBe(UNKNOWN);
    expect(update(accessTokenSchema, { ...prior, role: 'admin' }, obj({ name: 'ci', ttl: '1h' }, A)).requiresReplace).toEqual(['role']);
  });

  test('GIVEN mlp_register_token WHEN access_token_ttl is respelled THEN no re-issue; a new role re-issues', () => {
    const R = Object.keys(registerTokenSchema.attributes);
    const minted = obj({ id: 'i', name: 'ci', role: 'user', ttl: '1h', access_token_ttl: '24h', value: 'v', generation: 1 }, R);
    expect(update(registerTokenSchema, minted, obj({ name: 'ci', ttl: '60m', access_token_ttl: '1440m' }, R)).requiresReplace).toEqual([]);
    expect(
      update(registerTokenSchema, minted, obj({ name: 'ci', ttl: '1h', access_token_ttl: '24h', role: 'admin' }, R)).requiresReplace,
    ).toEqual(['role']);
  });
});

describe('the grace a schedule leaves', () => {
  const A = Object.keys(accessTokenSchema.attributes);

  test('GIVEN rotate_after as long as ttl and a grace WHEN validated THEN rotate_after is refused, and the grace check does not crash', () => {
    const config = obj({ name_prefix: 'svc-', ttl: '24h', rotate_after: '24h', previous_token_grace: '1h' }, A);
    expect(validate(accessTokenSchema, config).map((d) => d.summary)).toEqual(['Invalid rotate_after']);
  });
});
