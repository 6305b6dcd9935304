/**
 * The provider driven by real Terraform against the emulator: each scenario is one working
 * directory, checked against the emulator's own state, and ends by searching every text it
 * produced (command output, `terraform show`, trace logs, the provider's stderr) for every token value.
 * The single-directory scenarios are step cases (`./steps`, after terraform-plugin-testing): each
 * applying step ends with an empty plan, and the case with a destroy that leaves no token behind.
 */
import { MlpClient } from '../../lib/client';
import { E2EWorkdir, emulatorSuite, tokenAccepted, projectTokenNames, stateValue } from './harness';
import {
  expectKnownValue,
  expectKnownValues,
  expectPlanCounts,
  expectPlanText,
  expectResourceAction,
  expectSensitiveValue,
  runSteps,
} from './steps';

jest.setTimeout(240_000);

const suite = emulatorSuite();
const secrets = new Set<string>();
beforeAll(() => {
  secrets.add(suite.emulator.adminToken);
});

/** A working directory against the emulator; `token: null` configures no provider token at all. */
function workdir(name: string, options: { token?: string | null; env?: Record<string, string> } = {}): E2EWorkdir {
  const token = options.token === null ? undefined : (options.token ?? suite.emulator.adminToken);
  return suite.workdir(name, { token, env: options.env });
}

/** Reads a resource's value from the state and remembers it as a secret. */
function valueOf(w: E2EWorkdir, address: string): Promise<string> {
  return stateValue(w, address, secrets);
}

function accessTokenConfig(resource: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { resource: { mlp_access_token: { ci: resource } }, ...extra };
}

const CI = 'mlp_access_token.ci';

describe('mlp_access_token with real Terraform', () => {
  test('GIVEN a token WHEN created, refreshed, deleted outside, rotated by time, imported and destroyed THEN Terraform and the API agree at each step', async () => {
    const { emulator } = suite;
    const w = workdir('lifecycle');
    const admin = new MlpClient({ endpoint: emulator.url, token: emulator.adminToken });
    let second = '';
    try {
      await runSteps(w, emulator, {
        secrets,
        steps: [
          {
            name: 'create',
            config: accessTokenConfig({ name: 'ci-token', ttl: '720h', early_rotation_window: '24h' }),
            planChecks: { preApply: [expectResourceAction(CI, 'create')] },
            stateChecks: [expectKnownValue(CI, 'name', 'ci-token'), expectSensitiveValue(CI, 'value')],
            check: async (r) => {
              expect(projectTokenNames(emulator)).toEqual(['ci-token']);
              expect(await tokenAccepted(emulator.url, String(r.resource(CI).value))).toBe(true);
            },
          },
          {
            name: 'drift: deleted in the API, so the plan creates it again',
            preConfig: () => admin.deleteToken('ci-token'),
            planChecks: {
              preApply: [
                expectResourceAction(CI, 'create'),
                expectPlanCounts({ add: 1, change: 0, destroy: 0 }),
                expectPlanText(/MLP token no longer exists/),
              ],
            },
            check: (r) => {
              second = String(r.resource(CI).value);
              expect(projectTokenNames(emulator)).toEqual(['ci-token']);
            },
          },
          { name: 'before the rotation window: nothing to do', preConfig: () => emulator.clock.advance('695h'), planOnly: true },
          {
            // Even without a refresh, the decision is made on the API's clock (learned from one who-am-I).
            name: 'inside the window (by the API clock), without a refresh',
            preConfig: () => emulator.clock.advance('2h'),
            planOnly: true,
            planArgs: ['-refresh=false'],
            expectNonEmptyPlan: true,
            planChecks: { preApply: [expectResourceAction(CI, 'replace'), expectPlanCounts({ add: 1, change: 0, destroy: 1 })] },
          },
          {
            name: 'rotation',
            planChecks: {
              preApply: [
                expectResourceAction(CI, 'replace'),
                expectPlanCounts({ add: 1, change: 0, destroy: 1 }),
                expectPlanText(/rotate_at .* # forces replacement/),
              ],
            },
            check: async (r) => {
              const third = String(r.resource(CI).value);
              expect(third).not.toBe(second);
              expect(await tokenAccepted(emulator.url, third)).toBe(true);
              expect(await tokenAccepted(emulator.url, second)).toBe(false);
              expect(projectTokenNames(emulator)).toEqual(['ci-token']);
            },
          },
          {
            name: 'import by name: metadata only, with a warning',
            importState: { address: CI, id: 'ci-token' },
            // All but what an import cannot know: the value, and the rotation settings that are not stored.
            importStateVerify: true,
            importStateVerifyIgnore: ['value', 'early_rotation_window', 'rotate_at', 'retired_tokens'],
            expectOutput: [/Imported token has no value/],
            stateChecks: expectKnownValues(CI, { name: 'ci-token', ttl: '720h', value: null }),
            check: (r) => expect(r.resource(CI).id).toBe(emulator.tokens().find((t) => t.name === 'ci-token')!.id),
            // Only the rotation window (not stored on import) differs: an update without an API call.
            expectNonEmptyPlan: true,
            planChecks: { postApplyPostRefresh: [expectResourceAction(CI, 'update'), expectPlanCounts({ add: 0, change: 1, destroy: 0 })] },
          },
        ],
        checkDestroy: ({ workdir: dir }) => {
          expect(projectTokenNames(emulator)).toEqual([]);
          // The search covers what the provider said, where Terraform logged it too.
          const texts = dir.texts();
          expect(texts['provider stderr']).toMatch(/ApplyResourceChange done/);
          expect(
            Object.entries(texts).filter(([label, text]) => label.startsWith('trace log') && /provider\.terraform-provider-mlp/.test(text))
              .length,
          ).toBeGreaterThan(5);
        },
      });
    } finally {
      await admin.close();
    }
    expect(secrets).toContain(second);
  });

  test('GIVEN create_before_destroy with name_prefix WHEN rotation_triggers change THEN exactly one token remains, and it works', async () => {
    const { emulator } = suite;
    const config = (version: string) =>
      accessTokenConfig({ name_prefix: 'svc-', role: 'admin', rotation_triggers: { version }, lifecycle: { create_before_destroy: true } });
    let before = '';
    let firstName: string | undefined;
    await runSteps(workdir('cbd'), emulator, {
      secrets,
      steps: [
        {
          config: config('1'),
          check: (r) => {
            before = String(r.resource(CI).value);
            [firstName] = projectTokenNames(emulator);
            expect(firstName).toMatch(/^svc-[a-z0-9]{12}$/);
          },
        },
        {
          config: config('2'),
          planChecks: {
            preApply: [
              expectResourceAction(CI, 'create-before-destroy'),
              expectPlanCounts({ add: 1, change: 0, destroy: 1 }),
              expectPlanText(/create replacement and then destroy/),
            ],
          },
          check: async (r) => {
            const after = String(r.resource(CI).value);
            const names = projectTokenNames(emulator);
            expect(names).toHaveLength(1);
            expect(names[0]).not.toBe(firstName);
            expect(await tokenAccepted(emulator.url, after)).toBe(true);
            expect(await tokenAccepted(emulator.url, before)).toBe(false);
          },
        },
      ],
    });
  });

  test('GIVEN the redeem answer is lost WHEN creating THEN the orphan is cleaned up and exactly one token, held in state, exists', async () => {
    const { emulator } = suite;
    await runSteps(workdir('lost'), emulator, {
      secrets,
      steps: [
        {
          preConfig: () => emulator.faults.script('redeem', ['lost']),
          config: accessTokenConfig({ name: 'lost-answer' }),
          expectOutput: [/Recovered from a lost answer/],
          check: async (r) => {
            expect(projectTokenNames(emulator)).toEqual(['lost-answer']);
            expect(await tokenAccepted(emulator.url, String(r.resource(CI).value))).toBe(true);
            expect(emulator.counters()).toMatchObject({ redeem: 2, delete: 1 });
          },
        },
      ],
    });
  });
});

describe('refresh cost', () => {
  test('GIVEN five tokens WHEN planned THEN the refresh costs one exchange and one list request', async () => {
    const { emulator } = suite;
    await runSteps(workdir('refresh'), emulator, {
      secrets,
      steps: [
        {
          config: { resource: { mlp_access_token: { many: { count: 5, name: 'many-${count.index}' } } } },
          check: (r) => {
            expect(projectTokenNames(emulator)).toHaveLength(5);
            for (let i = 0; i < 5; i++) expect(r.resource(`mlp_access_token.many[${i}]`).value).toEqual(expect.any(String));
          },
        },
        {
          preConfig: () => emulator.resetCounters(),
          planOnly: true,
          check: () => expect(emulator.counters()).toMatchObject({ exchange: 1, list: 1, whoami: 0, mint: 0, redeem: 0, delete: 0 }),
        },
      ],
    });
  });
});

describe('mlp_register_token with real Terraform', () => {
  test('GIVEN a registration token minted in one directory WHEN another, with no provider token, redeems it THEN the token exists there; the registration token is never replaced for being used or expired', async () => {
    const { emulator } = suite;
    const minter = workdir('minter');
    minter.writeConfig({
      resource: { mlp_register_token: { worker: { name: 'worker', ttl: '1h', access_token_ttl: '720h' } } },
      output: { register_token: { value: '${mlp_register_token.worker.value}', sensitive: true } },
    });
    await minter.init();
    await minter.apply();
    const registration = await valueOf(minter, 'mlp_register_token.worker');
    expect(emulator.registerTokens().map((r) => r.name)).toEqual(['worker']);

    const holder = workdir('holder', { token: null, env: { TF_VAR_register_token: registration } });
    holder.writeConfig({
      variable: { register_token: { type: 'string', sensitive: true } },
      ...accessTokenConfig({ register_token: '${var.register_token}' }),
    });
    await holder.init();
    await holder.apply();
    const redeemed = await valueOf(holder, 'mlp_access_token.ci');
    expect(await holder.resource('mlp_access_token.ci')).toMatchObject({ name: 'worker', role: 'user' });
    expect(projectTokenNames(emulator)).toEqual(['worker']);
    expect(await tokenAccepted(emulator.url, redeemed)).toBe(true);
    // The holder refreshes with the token's own value (no provider token): no change.
    expect((await holder.plan()).changes).toBe(false);

    // Redeemed, then expired: the minter's plan stays empty.
    expect((await minter.plan()).changes).toBe(false);
    emulator.clock.advance('2h');
    expect((await minter.plan()).changes).toBe(false);

    // Destroy: the holder needs an Administrator to delete its token; the minter only forgets.
    const destroyed = await minter.destroy();
    // The holder redeemed it: the minter's destroy says so (nothing to revoke), not "stays redeemable".
    expect(`${destroyed.stdout}${destroyed.stderr}`).toMatch(/Registration token already redeemed/);
    expect(`${destroyed.stdout}${destroyed.stderr}`).not.toMatch(/stays redeemable/);
    const refused = await holder.destroy([], { check: false });
    if (refused.code === 0) throw new Error(`destroy without an admin token succeeded:\n${refused.stdout}\n${refused.stderr}`);
    expect(refused.stderr).toMatch(/needs an Administrator token/);
    await holder.destroy([], { env: { MLP_TOKEN: emulator.adminToken } });
    expect(projectTokenNames(emulator)).toEqual([]);

    for (const w of [minter, holder]) await w.assertNoSecrets(secrets);
  });
});

describe('data sources and provider configuration with real Terraform', () => {
  test('GIVEN an admin token WHEN mlp_token and mlp_tokens are read THEN they describe the API; a bad endpoint points at the attribute', async () => {
    const { emulator } = suite;
    emulator.createToken({ name: 'console-made', role: 'user' });
    await runSteps(workdir('data'), emulator, {
      secrets,
      steps: [
        {
          name: 'a bad endpoint and request_timeout',
          config: { provider: { mlp: { endpoint: 'ftp://example.com', request_timeout: '30 seconds' } }, data: { mlp_token: { me: {} } } },
          expectError: /Invalid MLP endpoint/,
          expectOutput: [/Invalid request_timeout/, /with provider\["terraform\.local\/mlp-tokens\/mlp"\]/],
        },
        {
          config: {
            data: { mlp_token: { me: {} }, mlp_tokens: { all: {} } },
            output: { me: { value: '${data.mlp_token.me.name}' }, names: { value: '${data.mlp_tokens.all.tokens[*].name}' } },
          },
          stateChecks: [expectKnownValue('data.mlp_token.me', 'name', 'emulator-admin')],
          check: async ({ workdir: w }) => {
            const outputs = await w.tf.outputs();
            expect(outputs.me!.value).toBe('emulator-admin');
            expect(outputs.names!.value).toEqual(['emulator-admin', 'console-made']);
          },
        },
      ],
    });
  });

  test('GIVEN a User token WHEN a token is to be created THEN the error says it needs an Administrator token', async () => {
    const { emulator } = suite;
    const user = emulator.createToken({ name: 'just-a-user', role: 'user' });
    secrets.add(user.value);
    await runSteps(workdir('user', { token: user.value }), emulator, {
      secrets,
      steps: [
        {
          config: accessTokenConfig({ name: 'wanted' }),
          expectError: /needs an Administrator token/,
          check: () => expect(projectTokenNames(emulator)).toEqual(['just-a-user']),
        },
      ],
    });
  });
});
