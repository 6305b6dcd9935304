/**
 * Bad input, table-driven: constructs (synth time), the provider block, resource arguments in plain
 * JSON configuration, and what only the API can tell. Each case gets a message that names the problem
 * and the fix, before any API call where the input alone shows it (the emulator's counters stay 0),
 * and never a stack trace, a gRPC error or a provider crash. Cases share working directories: one
 * `terraform validate` checks every provider-block case (one alias each) and one every resource case.
 */
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import {
  MlpAccessToken,
  MlpConstructError,
  MlpProvider,
  MlpRegisterToken,
  type MlpAccessTokenOptions,
  type MlpAccessTokenProps,
} from '../../../lib/constructs';
import { MlpClient } from '../../../lib/client';
import { startEmulator, type RunningEmulator } from '../../../lib/emulator';
import { E2EWorkdir, crashSigns, refusedAtValidateAndPlan } from '../harness';
import { report } from './support';

jest.setTimeout(180_000);

let emulator: RunningEmulator;
const workdirs: E2EWorkdir[] = [];
const counted: Record<string, number> = {};

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, control: true, seed: 3 });
});

afterAll(async () => {
  report('bad-input', { cases: counted, total: Object.values(counted).reduce((a, b) => a + b, 0) });
  await emulator?.close();
  if (!process.env.MLP_E2E_KEEP) for (const w of workdirs) w.remove();
});

function workdir(name: string, token: string | undefined = emulator.adminToken): E2EWorkdir {
  const w = E2EWorkdir.create({ name, endpoint: emulator.url, token });
  workdirs.push(w);
  return w;
}

function noApiCalls(): void {
  expect(emulator.counters()).toEqual({ exchange: 0, whoami: 0, list: 0, mint: 0, redeem: 0, delete: 0 });
}

// ---- constructs (synth time) ----------------------------------------------------------------------

type ConstructCase = [label: string, build: (stack: TerraformStack) => void, code: string, fragments: string[]];
// As JavaScript callers write them: the props type itself refuses some of these shapes.
const token = (props: MlpAccessTokenOptions) => (stack: TerraformStack) => new MlpAccessToken(stack, 't', props as MlpAccessTokenProps);
const CONSTRUCT_CASES: ConstructCase[] = [
  ['a name with a space', token({ name: 'ci bot' }), 'INVALID_NAME', ['"ci bot"', 'letters, digits']],
  ['a name of 65 characters', token({ name: 'n'.repeat(65) }), 'INVALID_NAME', ['at most 64']],
  ['a name prefix with a slash', token({ namePrefix: 'ci/' }), 'INVALID_NAME_PREFIX', ['"ci/"']],
  ['name and namePrefix together', token({ name: 'ci', namePrefix: 'ci-' }), 'NAME_AND_NAME_PREFIX', ['name', 'namePrefix']],
  ['neither name, namePrefix nor registerToken', token({}), 'NAME_MISSING', ['name']],
  ['a role that does not exist', token({ name: 'ci', role: 'owner' as never }), 'INVALID_ROLE', ['"owner"', '"user" or "admin"']],
  ['a ttl in words', token({ name: 'ci', ttl: '30 days' }), 'INVALID_DURATION', ['"30 days"']],
  [
    'a rotation window longer than the ttl',
    token({ name: 'ci', ttl: '24h', earlyRotationWindow: '48h' }),
    'ROTATION_WINDOW_TOO_LONG',
    ['48h', '24h'],
  ],
  ['a rotation window without a ttl', token({ name: 'ci', earlyRotationWindow: '24h' }), 'ROTATION_WINDOW_WITHOUT_TTL', ['ttl']],
  [
    'a registration token with a ttl',
    (stack) =>
      token({ registerToken: new TerraformVariable(stack, 'rt', { type: 'string', sensitive: true }).stringValue, ttl: '1h' })(stack),
    'REGISTER_TOKEN_CONFLICT',
    ['ttl'],
  ],
  ['a literal registration token', token({ registerToken: 'r'.repeat(40) }), 'LITERAL_SECRET', ['registerToken', 'TF_VAR_']],
  [
    'a provider endpoint that is not a URL',
    (stack) => new MlpProvider(stack, 'p', { endpoint: 'not a url', installMirror: false }),
    'INVALID_ENDPOINT',
    ['"not a url"'],
  ],
  ['negative maxRetries', (stack) => new MlpProvider(stack, 'p', { maxRetries: -1, installMirror: false }), 'INVALID_MAX_RETRIES', ['-1']],
  [
    'a literal provider token',
    (stack) => new MlpProvider(stack, 'p', { token: 't'.repeat(40), installMirror: false }),
    'LITERAL_SECRET',
    ['token', 'TF_VAR_'],
  ],
  [
    'a request timeout in words',
    (stack) => new MlpProvider(stack, 'p', { requestTimeout: 'soon', installMirror: false }),
    'INVALID_DURATION',
    ['"soon"'],
  ],
  [
    'a registration token with a bad lifetime',
    (stack) => new MlpRegisterToken(stack, 'r', { name: 'worker', ttl: '0s' }),
    'INVALID_DURATION',
    ['ttl'],
  ],
  [
    'a registration token for a bad name',
    (stack) => new MlpRegisterToken(stack, 'r', { name: 'no spaces please', ttl: '1h' }),
    'INVALID_NAME',
    ['"no spaces please"'],
  ],
];

describe('constructs: synth-time checks', () => {
  test.each(CONSTRUCT_CASES)(
    'GIVEN %s WHEN the construct is made THEN it throws, naming the problem and the fix',
    (_label, build, code, fragments) => {
      const stack = new TerraformStack(new App({ outdir: '/nonexistent-never-written' }), 'stack');
      let thrown: unknown;
      try {
        build(stack);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(MlpConstructError);
      const err = thrown as MlpConstructError;
      expect(err.code).toBe(code);
      for (const f of fragments) expect(err.message).toContain(f);
      expect(err.message).toMatch(/^stack\//);
      expect(crashSigns(err.message)).toEqual([]);
      counted.constructs = (counted.constructs ?? 0) + 1;
    },
  );
});

// ---- provider block -------------------------------------------------------------------------------

const PROVIDER_CASES: [alias: string, settings: Record<string, unknown>, summary: string, fragments: string[]][] = [
  [
    'not_a_url',
    { endpoint: 'not a url' },
    'Invalid MLP endpoint',
    ['"not a url" is not a URL', 'e.g. https://msk.cloud.vk.com/infra/mlplatform'],
  ],
  ['ftp', { endpoint: 'ftp://example.com' }, 'Invalid MLP endpoint', ['uses ftp, not https', 'Set endpoint (or MLP_ENDPOINT)']],
  ['credentials', { endpoint: 'https://user:pw@example.com' }, 'Invalid MLP endpoint', ['credentials', 'Set endpoint (or MLP_ENDPOINT)']],
  ['query', { endpoint: 'https://example.com/mlp?region=msk' }, 'Invalid MLP endpoint', ['query', 'Set endpoint (or MLP_ENDPOINT)']],
  ['timeout_words', { request_timeout: '30 seconds' }, 'Invalid request_timeout', ['"30 seconds"']],
  ['timeout_zero', { request_timeout: '0s' }, 'Invalid request_timeout', ['0s']],
  ['timeout_negative', { request_timeout: '-5s' }, 'Invalid request_timeout', ['-5s']],
  ['retries_negative', { max_retries: -1 }, 'Invalid max_retries', ['max_retries is -1', 'from 0 to 20']],
  ['retries_fraction', { max_retries: 1.5 }, 'Invalid max_retries', ['max_retries is 1.5']],
  ['retries_huge', { max_retries: 100 }, 'Invalid max_retries', ['max_retries is 100']],
  ['token_empty', { token: '' }, 'Invalid token', ['token is empty', 'MLP_TOKEN']],
  ['token_blank', { token: '   ' }, 'Invalid token', ['token is empty']],
];

describe('provider block: checked before any API call', () => {
  test(`GIVEN ${PROVIDER_CASES.length} provider configurations, one bad setting each WHEN validated and planned THEN each gets its own error naming the setting and the fix, and the API is never called`, async () => {
    emulator.reset();
    const w = workdir('bad-provider');
    w.writeConfig({
      provider: { mlp: [{}, ...PROVIDER_CASES.map(([alias, settings]) => ({ alias, ...settings }))] },
      data: { mlp_token: Object.fromEntries(PROVIDER_CASES.map(([alias]) => [alias, { provider: `mlp.${alias}` }])) },
    });
    await w.init();
    for (const { blocks } of await refusedAtValidateAndPlan(w)) {
      for (const [alias, , summary, fragments] of PROVIDER_CASES) {
        const mine = blocks.filter((b) => b.includes(`provider["terraform.local/mlp-tokens/mlp"].${alias},`));
        expect({ alias, found: mine.length > 0 && mine[0]!.startsWith(`Error: ${summary}`) }).toEqual({ alias, found: true });
        for (const f of fragments) expect({ alias, text: mine[0] }).toEqual({ alias, text: expect.stringContaining(f) });
      }
    }
    noApiCalls();
    counted.provider = PROVIDER_CASES.length;
    await w.assertNoSecrets([emulator.adminToken]);
  });
});

// ---- resource arguments in plain JSON configuration -------------------------------------------------

const RESOURCE_CASES: [
  type: 'mlp_access_token' | 'mlp_register_token',
  name: string,
  args: Record<string, unknown>,
  summary: string,
  fragments: string[],
][] = [
  ['mlp_access_token', 'name_space', { name: 'ci bot' }, 'Error: Invalid name', ['"ci bot" is not a valid token name', 'letters, digits']],
  ['mlp_access_token', 'name_empty', { name: '' }, 'Error: Invalid name', ['cannot be empty']],
  ['mlp_access_token', 'name_long', { name: 'n'.repeat(65) }, 'Error: Invalid name', ['at most 64']],
  ['mlp_access_token', 'name_dash', { name: '-ci' }, 'Error: Invalid name', ['starting with a letter or digit']],
  ['mlp_access_token', 'prefix_bad', { name_prefix: 'ci/' }, 'Error: Invalid name_prefix', ['"ci/" is not a valid name prefix']],
  ['mlp_access_token', 'prefix_long', { name_prefix: 'p'.repeat(60) }, 'Error: Invalid name_prefix', ['at most 52']],
  [
    'mlp_access_token',
    'name_and_prefix',
    { name: 'ci', name_prefix: 'ci-' },
    'Error: Conflicting name and name_prefix',
    ['Set either name or name_prefix'],
  ],
  [
    'mlp_access_token',
    'no_name',
    { role: 'user' },
    'Error: Missing name or name_prefix or register_token',
    ['Set one of name, name_prefix, register_token'],
  ],
  [
    'mlp_access_token',
    'role_owner',
    { name: 'ci', role: 'owner' },
    'Error: Invalid role',
    ['"owner" is not a role', 'Use "user" or "admin"'],
  ],
  ['mlp_access_token', 'ttl_words', { name: 'ci', ttl: '30 days' }, 'Error: Invalid ttl', ['"30 days"']],
  ['mlp_access_token', 'ttl_days', { name: 'ci', ttl: '30d' }, 'Error: Invalid ttl', ['30d']],
  ['mlp_access_token', 'ttl_zero', { name: 'ci', ttl: '0s' }, 'Error: Invalid ttl', ['0s']],
  ['mlp_access_token', 'rotate_after_words', { name: 'ci', rotate_after: 'weekly' }, 'Error: Invalid rotate_after', ['"weekly"']],
  [
    'mlp_access_token',
    'window_negative',
    { name: 'ci', ttl: '24h', early_rotation_window: '-1h' },
    'Error: Invalid early_rotation_window',
    ['-1h'],
  ],
  [
    'mlp_access_token',
    'window_too_long',
    { name: 'ci', ttl: '24h', early_rotation_window: '48h' },
    'Error: Invalid early_rotation_window',
    ['not shorter than ttl', 'a tenth of it'],
  ],
  [
    'mlp_access_token',
    'window_equal',
    { name: 'ci', ttl: '24h', early_rotation_window: '1440m' },
    'Error: Invalid early_rotation_window',
    ['not shorter than ttl'],
  ],
  [
    'mlp_access_token',
    'register_with_ttl',
    { register_token: '${var.rt}', ttl: '1h' },
    'Error: Conflicting ttl and register_token',
    ['fixes the lifetime'],
  ],
  [
    'mlp_access_token',
    'register_with_prefix',
    { register_token: '${var.rt}', name_prefix: 'ci-' },
    'Error: Conflicting name_prefix and register_token',
    ['fixes the name'],
  ],
  ['mlp_access_token', 'register_empty', { register_token: '' }, 'Error: Invalid register_token', ['register_token is empty']],
  [
    'mlp_access_token',
    'window_without_ttl',
    { name: 'ci', early_rotation_window: '24h' },
    'Warning: early_rotation_window has no effect',
    ['Set ttl, or use rotate_after'],
  ],
  ['mlp_register_token', 'reg_name', { name: 'two words', ttl: '1h' }, 'Error: Invalid name', ['"two words" is not a valid token name']],
  ['mlp_register_token', 'reg_ttl', { name: 'worker', ttl: '2 hours' }, 'Error: Invalid ttl', ['"2 hours"']],
  [
    'mlp_register_token',
    'reg_access_ttl',
    { name: 'worker', ttl: '1h', access_token_ttl: 'forever' },
    'Error: Invalid access_token_ttl',
    ['"forever"'],
  ],
  ['mlp_register_token', 'reg_role', { name: 'worker', ttl: '1h', role: 'root' }, 'Error: Invalid role', ['"root" is not a role']],
];

describe('resource arguments: checked before any API call', () => {
  test(`GIVEN ${RESOURCE_CASES.length} resources, one mistake each WHEN validated and planned THEN each gets a diagnostic at its resource naming the problem and the fix, and the API is never called`, async () => {
    emulator.reset();
    const w = workdir('bad-resources');
    const resource: Record<string, Record<string, unknown>> = {};
    for (const [type, name, args] of RESOURCE_CASES) (resource[type] ??= {})[name] = args;
    w.writeConfig({ variable: { rt: { type: 'string', sensitive: true, default: 'r'.repeat(40) } }, resource });
    await w.init();
    for (const { blocks } of await refusedAtValidateAndPlan(w)) {
      for (const [type, name, , summary, fragments] of RESOURCE_CASES) {
        const mine = blocks.filter((b) => b.includes(`with ${type}.${name},`) && b.startsWith(summary));
        expect({ at: `${type}.${name}`, found: mine.length }).toEqual({ at: `${type}.${name}`, found: 1 });
        for (const f of fragments)
          expect({ at: `${type}.${name}`, text: mine[0] }).toEqual({ at: `${type}.${name}`, text: expect.stringContaining(f) });
      }
    }
    noApiCalls();
    counted.resources = RESOURCE_CASES.length;
    // (var.rt's default is a dummy value written into the configuration on purpose: not searched.)
    await w.assertNoSecrets([emulator.adminToken]);
  });
});

// ---- what only the API can tell ---------------------------------------------------------------------

describe('what only the API can tell', () => {
  test('GIVEN a User token, an expired or malformed admin token, a used or expired registration token, or a taken name WHEN a token is applied with each THEN each error says what is wrong and what to do', async () => {
    emulator.reset();
    const user = emulator.createToken({ name: 'just-a-user', role: 'user' });
    const expiring = emulator.createToken({ name: 'old-admin', role: 'admin', ttl: '1h' });
    const admin = new MlpClient({ endpoint: emulator.url, token: emulator.adminToken });
    const used = await admin.mintRegisterToken({ clientName: 'used-once', accessTtl: '1h', role: 'user' });
    await admin.redeemRegisterToken(used.value);
    const expired = await admin.mintRegisterToken({ clientName: 'too-late', accessTtl: '30m', role: 'user' });
    const taken = await admin.mintRegisterToken({ clientName: 'taken-later', accessTtl: '3h', role: 'user' });
    await admin.close();
    const taker = emulator.createToken({ name: 'taken-later', role: 'user' });
    emulator.clock.advance('2h');
    const secrets = [
      emulator.adminToken,
      user.value,
      expiring.value,
      used.value.reveal(),
      expired.value.reveal(),
      taken.value.reveal(),
      taker.value,
    ];

    const w = workdir('bad-api', undefined);
    const create = { resource: { mlp_access_token: { t: { name: 'wanted' } } } };
    const redeem = {
      variable: { rt: { type: 'string', sensitive: true } },
      resource: { mlp_access_token: { t: { register_token: '${var.rt}' } } },
    };
    w.writeConfig(create);
    await w.init();
    const cases: [label: string, config: Record<string, unknown>, env: Record<string, string>, summary: RegExp, fix: RegExp][] = [
      [
        'a User token where an Administrator token is needed',
        create,
        { MLP_TOKEN: user.value },
        /needs an Administrator token/,
        /Administrator role/,
      ],
      [
        'an expired Administrator token',
        create,
        { MLP_TOKEN: expiring.value },
        /The MLP token was refused/,
        /expired, deleted or not valid for this endpoint: configure a valid Administrator token/,
      ],
      [
        'a malformed token',
        create,
        { MLP_TOKEN: 'this-is-not-a-token-value-of-the-project' },
        /The MLP token was refused/,
        /configure a valid Administrator token/,
      ],
      [
        'a registration token already redeemed',
        redeem,
        { TF_VAR_rt: used.value.reveal() },
        /Registration token cannot be redeemed/,
        /works once and only until it expires: mint a new one/,
      ],
      [
        'an expired registration token',
        redeem,
        { TF_VAR_rt: expired.value.reveal() },
        /Registration token cannot be redeemed/,
        /mint a new one/,
      ],
      [
        'a registration token whose name is taken',
        redeem,
        { TF_VAR_rt: taken.value.reveal() },
        /MLP token name already in use/,
        /already exists; delete it \(or choose another name\)/,
      ],
    ];
    const seen: Record<string, string> = {};
    for (const [label, config, env, summary, fix] of cases) {
      w.writeConfig(config);
      const r = await w.apply([], { check: false, env });
      const text = `${r.stdout}\n${r.stderr}`;
      const folded = text.replace(/\s+/g, ' ');
      expect({ label, code: r.code }).toEqual({ label, code: 1 });
      expect({ label, text: folded }).toEqual({ label, text: expect.stringMatching(summary) });
      expect({ label, text: folded }).toEqual({ label, text: expect.stringMatching(fix) });
      expect({ label, signs: crashSigns(text) }).toEqual({ label, signs: [] });
      seen[label] = /Error: (.+)/.exec(text)?.[1] ?? '';
    }
    // Nothing was created by any of them.
    expect(
      emulator
        .tokens()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['emulator-admin', 'just-a-user', 'old-admin', 'taken-later', 'used-once']);
    counted.api = cases.length;
    report('bad-input-api', { errors: seen });
    await w.assertNoSecrets(secrets);
  });
});
