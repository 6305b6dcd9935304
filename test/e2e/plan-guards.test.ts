/**
 * What a plan refuses, with real Terraform against the emulator, before anything changes: a create
 * whose fixed name a token outside the state holds (unless `replace_existing` opts in), a create,
 * destroy or list with a User token, a registration token re-issued for a name whose access token
 * exists (and the `name_prefix` that makes re-issuing work); and what destroying a registration token
 * says: redeemed, expired, or possibly still redeemable. Every scenario ends with the leak check.
 */
import { assertNoSecrets, E2EWorkdir, emulatorSuite, tokenAccepted, projectTokenNames, oneLine, stateValue } from './harness';
import { expectPlanCounts, expectPlanText, expectResourceAction, runSteps } from './steps';

jest.setTimeout(240_000);

const suite = emulatorSuite();
const secrets = new Set<string>();
beforeAll(() => {
  secrets.add(suite.emulator.adminToken);
});

function valueOf(w: E2EWorkdir, address: string): Promise<string> {
  return stateValue(w, address, secrets);
}

/** A directory that redeems `TF_VAR_register_token` into `mlp_access_token.team`. */
function holderConfig(lifecycle?: Record<string, unknown>): Record<string, unknown> {
  return {
    variable: { register_token: { type: 'string', sensitive: true } },
    resource: { mlp_access_token: { team: { register_token: '${var.register_token}', ...(lifecycle ? { lifecycle } : {}) } } },
  };
}

describe('a create that names a token the state does not hold', () => {
  test('GIVEN a console-made prod-ci WHEN a configuration names it THEN the plan fails naming it, its creation time and issuer and the ways out; nothing is deleted; import adopts it', async () => {
    const { emulator } = suite;
    emulator.clock.set(new Date('2026-05-04T03:02:01Z'));
    const live = emulator.createToken({ name: 'prod-ci', role: 'user', issuerName: 'alice@example.ru' });
    secrets.add(live.value);
    await runSteps(suite.workdir('foreign'), emulator, {
      secrets,
      steps: [
        {
          // Refused at plan, and so at apply.
          config: { resource: { mlp_access_token: { mine: { name: 'prod-ci' } } } },
          expectError: /Error: An MLP token of that name exists outside this state/,
          expectOutput: [
            /"prod-ci"/,
            /created 2026-05-04T03:02:0[12](\.\d+)?Z by "alice@example\.ru"/,
            /terraform import mlp_access_token\.<address> prod-ci/,
            /replace_existing = true/,
            /with mlp_access_token\.mine/,
          ],
          check: async () => {
            expect(emulator.counters()).toMatchObject({ mint: 0, redeem: 0, delete: 0 });
            expect(await tokenAccepted(emulator.url, live.value)).toBe(true);
          },
        },
        {
          // The way out it names: import, after which the plan is clean and nothing was replaced.
          importState: { address: 'mlp_access_token.mine', id: 'prod-ci' },
          check: async () => expect(await tokenAccepted(emulator.url, live.value)).toBe(true),
        },
      ],
      checkDestroy: () => expect(projectTokenNames(emulator)).toEqual([]),
    });
  });

  test('GIVEN replace_existing = true WHEN a token of that name exists outside the state THEN the plan warns what it will replace, and the apply replaces it', async () => {
    const { emulator } = suite;
    const orphan = emulator.createToken({ name: 'fleet-7', role: 'user' });
    secrets.add(orphan.value);
    const fleet = { resource: { mlp_access_token: { fleet: { name: 'fleet-7', replace_existing: true } } } };
    const creates = [
      expectResourceAction('mlp_access_token.fleet', 'create'),
      expectPlanCounts({ add: 1, change: 0, destroy: 0 }),
      expectPlanText(/Warning: An MLP token outside the state will be replaced/),
    ];
    await runSteps(suite.workdir('opt-in'), emulator, {
      secrets,
      steps: [
        {
          name: 'the plan warns, and deletes nothing',
          config: fleet,
          planOnly: true,
          expectNonEmptyPlan: true,
          planChecks: { preApply: creates },
          check: () => expect(emulator.counters().delete).toBe(0),
        },
        {
          name: 'the apply replaces it',
          planChecks: { preApply: creates },
          expectOutput: [/Replaced an MLP token that the state did not know/],
          check: async (r) => {
            expect(projectTokenNames(emulator)).toEqual(['fleet-7']);
            expect(await tokenAccepted(emulator.url, orphan.value)).toBe(false);
            expect(await tokenAccepted(emulator.url, String(r.resource('mlp_access_token.fleet').value))).toBe(true);
          },
        },
      ],
      checkDestroy: () => expect(projectTokenNames(emulator)).toEqual([]),
    });
  });
});

describe('a User token where an Administrator token is needed', () => {
  test('GIVEN a User token WHEN a create, a list or a destroy is planned THEN the plan fails saying it needs an Administrator token, before any change; a redeem plans and applies with a User token or none', async () => {
    const { emulator } = suite;
    const user = emulator.createToken({ name: 'just-a-user', role: 'user' });
    secrets.add(user.value);
    const asUser = { env: { MLP_TOKEN: user.value } };
    const asAdmin = { MLP_TOKEN: emulator.adminToken };

    const w = suite.workdir('user-plan', { token: user.value });
    await runSteps(w, emulator, {
      secrets,
      steps: [
        {
          name: 'create: refused at plan',
          preConfig: () => emulator.resetCounters(),
          config: {
            resource: { mlp_access_token: { wanted: { name: 'wanted' } }, mlp_register_token: { handoff: { name: 'handed', ttl: '1h' } } },
          },
          planOnly: true,
          expectError: /Error: Create the access token "wanted" needs an Administrator token/,
          expectOutput: [/Error: Mint a registration token for "handed" needs an Administrator token/],
          check: () => expect(emulator.counters()).toMatchObject({ whoami: 1, mint: 0, redeem: 0, delete: 0 }),
        },
        {
          name: 'list: the mlp_tokens data source, read at plan',
          config: { data: { mlp_tokens: { all: {} } } },
          planOnly: true,
          expectError: /needs an Administrator token/,
        },
        {
          name: 'destroy: created by an admin, destroyed with a User token (without refresh, which would list)',
          config: { resource: { mlp_access_token: { wanted: { name: 'wanted' } } } },
          env: asAdmin,
          check: async () => {
            const destroy = await w.destroy(['-refresh=false'], { ...asUser, check: false });
            expect(destroy.code).not.toBe(0);
            expect(`${destroy.stdout}${destroy.stderr}`).toMatch(/Delete the access token "wanted" needs an Administrator token/);
            expect(`${destroy.stdout}${destroy.stderr}`).not.toMatch(/Destroying\.\.\./);
            expect(projectTokenNames(emulator)).toEqual(['just-a-user', 'wanted']);
          },
        },
      ],
      destroy: { env: asAdmin },
    });

    // Redeem: needs no credentials; a User token or none plans and applies.
    const minter = suite.workdir('user-minter');
    const holders: E2EWorkdir[] = [];
    await runSteps(minter, emulator, {
      secrets,
      steps: [
        {
          config: {
            resource: { mlp_register_token: { a: { name: 'redeemed-a', ttl: '1h' }, b: { name: 'redeemed-b', ttl: '1h' } } },
            output: {
              a: { value: '${mlp_register_token.a.value}', sensitive: true },
              b: { value: '${mlp_register_token.b.value}', sensitive: true },
            },
          },
          check: async (r) => {
            const [a, b] = [String(r.resource('mlp_register_token.a').value), String(r.resource('mlp_register_token.b').value)];
            for (const [label, token, registration] of [
              ['user', user.value, a],
              ['none', undefined, b],
            ] as const) {
              const holder = suite.workdir(`redeem-${label}`, { token, env: { TF_VAR_register_token: registration } });
              holders.push(holder);
              await runSteps(holder, emulator, {
                secrets,
                steps: [
                  {
                    config: holderConfig(),
                    planChecks: {
                      preApply: [
                        expectResourceAction('mlp_access_token.team', 'create'),
                        expectPlanCounts({ add: 1, change: 0, destroy: 0 }),
                      ],
                    },
                  },
                  {
                    // The next plan refreshes it: a User token cannot list, so the token reads itself; no change.
                    preConfig: () => emulator.resetCounters(),
                    planOnly: true,
                    check: () => expect(emulator.counters().list).toBeLessThanOrEqual(1),
                  },
                ],
                destroy: { env: asAdmin },
              });
            }
          },
        },
      ],
    });
    expect(projectTokenNames(emulator)).toEqual(['just-a-user']);
    // Every directory's texts against every secret of the scenario, the last ones included.
    for (const dir of [w, minter, ...holders]) assertNoSecrets(dir.texts(), secrets);
  });
});

describe('re-issuing a registration token', () => {
  test('GIVEN a fixed-name registration token that was redeemed WHEN only rotation_triggers change THEN the plan fails with the way out, and the hand-off stays in the state; with name_prefix each re-issue mints a new name', async () => {
    const { emulator } = suite;
    const minter = suite.workdir('reissue-minter');
    const handoff = 'mlp_register_token.handoff';
    const output = { handoff: { value: '${mlp_register_token.handoff.value}', sensitive: true } };
    const fixed = (issue: string) => ({
      resource: { mlp_register_token: { handoff: { name: 'worker', ttl: '1h', rotation_triggers: { issue } } } },
      output,
    });
    // name_prefix: every issue names a new token, so it mints while the redeemed one exists.
    const prefixed = (issue: string) => ({
      resource: { mlp_register_token: { handoff: { name_prefix: 'worker-', ttl: '1h', rotation_triggers: { issue } } } },
      output,
    });
    let first = '';
    let secondName = '';
    let holder: E2EWorkdir | undefined;
    await runSteps(minter, emulator, {
      secrets,
      steps: [
        {
          config: fixed('1'),
          check: async (r) => {
            first = String(r.resource(handoff).value);
            // The holder redeems it (create_before_destroy: when it moves on, the new token exists before the old one goes).
            holder = suite.workdir('reissue-holder', { token: undefined, env: { TF_VAR_register_token: first } });
            holder.writeConfig(holderConfig({ create_before_destroy: true }));
            await holder.init();
            await holder.apply();
            await valueOf(holder, 'mlp_access_token.team');
            expect(projectTokenNames(emulator)).toEqual(['worker']);
          },
        },
        {
          name: 'fixed name, re-issued: refused at plan (the mint would be refused after the old one was destroyed)',
          config: fixed('2'),
          expectError: /Error: An access token of that name exists/,
          expectOutput: [/use name_prefix instead of name/],
          expectNoOutput: [/Plan: /],
          check: (r) => expect(r.resource(handoff).value).toBe(first),
        },
        {
          config: prefixed('2'),
          check: (r) => {
            secondName = String(r.resource(handoff).name);
            expect(secondName).toMatch(/^worker-[a-z0-9]{12}$/);
          },
        },
        {
          config: prefixed('3'),
          check: async (r) => {
            const third = String(r.resource(handoff).value);
            const thirdName = String(r.resource(handoff).name);
            expect(thirdName).not.toBe(secondName);
            // The holder moves to the newest hand-off: the new token exists before the old one goes.
            const withAdmin = { env: { TF_VAR_register_token: third, MLP_TOKEN: emulator.adminToken } };
            await holder!.apply([], withAdmin);
            await valueOf(holder!, 'mlp_access_token.team');
            expect(projectTokenNames(emulator)).toEqual([thirdName]);
            await holder!.destroy([], withAdmin);
          },
        },
      ],
      checkDestroy: () => expect(projectTokenNames(emulator)).toEqual([]),
    });
    await holder!.assertNoSecrets(secrets);
  });
});

describe('destroying a registration token', () => {
  test('GIVEN one redeemed, one expired and one unused WHEN destroyed THEN each message says what happened to it', async () => {
    const { emulator } = suite;
    const minter = suite.workdir('forget');
    let holder: E2EWorkdir | undefined;
    let spareExpiry = '';
    await runSteps(minter, emulator, {
      secrets,
      steps: [
        {
          config: {
            resource: {
              mlp_register_token: {
                used: { name: 'used-one', ttl: '3h' },
                lapsed: { name: 'lapsed-one', ttl: '1h' },
                spare: { name: 'spare-one', ttl: '3h' },
              },
            },
          },
          check: async (r) => {
            holder = suite.workdir('forget-holder', {
              token: undefined,
              env: { TF_VAR_register_token: String(r.resource('mlp_register_token.used').value) },
            });
            holder.writeConfig(holderConfig());
            await holder.init();
            await holder.apply();
            await valueOf(holder, 'mlp_access_token.team');
          },
        },
        {
          name: 'two hours later: one expired, nothing to plan',
          preConfig: () => emulator.clock.advance('2h'),
          planOnly: true,
          check: (r) => void (spareExpiry = String(r.resource('mlp_register_token.spare').expires_at)),
        },
      ],
      checkDestroy: ({ output }) => {
        const text = oneLine(output);
        expect(text).toMatch(/Registration token already redeemed.*"used-one"/);
        expect(text).toMatch(/it had expired.*"lapsed-one" expired at/);
        expect(text).toMatch(
          new RegExp(
            `No access token named "spare-one" exists.*stays redeemable, once, until it expires at ${spareExpiry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
          ),
        );
        expect(text).not.toMatch(/"used-one" stays redeemable/);
      },
    });
    await holder!.destroy([], { env: { MLP_TOKEN: emulator.adminToken } });
    expect(projectTokenNames(emulator)).toEqual([]);
    await holder!.assertNoSecrets(secrets);
  });
});
